import Foundation
import Glibc
import Testing

/// A device the host's network manager had comes home down on DEL, for the manager to bring up with
/// its own profile (brought home UP, NetworkManager assumes it as someone else's configuration:
/// `make host-rig`). The managers' run state is laid out under LINKCAPS_TEST_RUN_ROOT as each writes it;
/// "running" is a real process of that name, as the plugin looks for it in /proc.
extension Privileged {
    @Suite(.serialized) struct HostManagerTests {
        let runRoot = Lab.root + "/run-root"

        /// A process whose name (/proc/<pid>/comm) is `name`: a copy of sleep, so the plugin sees the manager run.
        final class FakeManager {
            let process = Process()
            let copy: String

            init(named name: String, in directory: String) throws {
                copy = directory + "/" + name
                try must("mkdir -p \(directory) && cp /bin/sleep \(copy)")
                process.executableURL = URL(fileURLWithPath: copy)
                process.arguments = ["600"]
                try process.run()
                for _ in 0..<200 where sh("cat /proc/\(process.processIdentifier)/comm").output != String(name.prefix(15)) + "\n" {
                    usleep(10_000)
                }
            }

            func end() {
                if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
                unlink(copy)
            }

            deinit { end() }
        }

        /// The manager's per-device run state for `device`, as NetworkManager or systemd-networkd writes it.
        func writeState(_ manager: String, for device: String, _ text: String) throws {
            let dir = runRoot + (manager == "NetworkManager" ? "/run/NetworkManager/devices" : "/run/systemd/netif/links")
            try must("mkdir -p \(dir)")
            try text.write(toFile: dir + "/\(ifindex(device))", atomically: false, encoding: .utf8)
        }

        func record() -> [String: Any]? {
            guard let data = FileManager.default.contents(atPath: Lab.stateDir + "/lctest_c1_net1.json") else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }

        func isUp(_ device: String) -> Bool {
            (Int(sh("cat /sys/class/net/\(device)/flags").output.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(2),
                 radix: 16) ?? 0) & 1 == 1
        }

        /// ADD then DEL of an UP veth with the given run state and manager processes; returns whether the
        /// device came home UP, after checking what ADD recorded and that everything but UP is restored.
        func cycle(state: (manager: String, text: String)?, running: [String], recorded: String?) throws -> Bool {
            let lab = Lab()
            defer { lab.cleanUp(); sh("rm -rf \(runRoot)") }
            let device = try lab.device(mtu: 1400)
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            #expect(isUp(device), "the device starts UP")
            if let state { try writeState(state.manager, for: device, state.text) }
            let managers = try running.map { try FakeManager(named: $0, in: Lab.root + "/managers") }
            defer { managers.forEach { $0.end() } }
            let env = ["LINKCAPS_TEST_RUN_ROOT": runRoot]
            let add = plugin("ADD", conf(device), netns: ns, env: env)
            #expect(add.status == 0, "\(add.stdout)")
            let device0 = record()?["device"] as? [String: Any]
            #expect(device0?["managedBy"] as? String == recorded, "the record names the manager that had the device")
            let alias = sh("nsenter --net=\(ns) ip -o link show net1").output
            #expect(alias.contains(recorded.map { "by=\($0)" } ?? "linkcaps ") && (recorded != nil || !alias.contains("by=")),
                    "the alias record carries the manager: \(alias)")
            let del = plugin("DEL", conf(device), netns: ns, env: env)
            #expect(del.status == 0, "\(del.stdout)")
            let up = isUp(device)
            if up { #expect(linkTable(only: device) == before, "home as it was") } else {
                try must("ip link set \(device) up")
                #expect(linkTable(only: device) == before, "home as it was but for UP, left to the manager")
            }
            return up
        }

        @Test func networkManagersDeviceComesHomeDownForItToBringUp() throws {
            #expect(try !cycle(state: ("NetworkManager", "[device]\nmanaged=true\nperm-hw-addr-fake=\nconnection-uuid=0\n"),
                               running: ["NetworkManager"], recorded: "NetworkManager"))
        }

        @Test func networkdsLinkComesHomeDownForItToBringUp() throws {
            #expect(try !cycle(state: ("networkd", "# This is private data. Do not parse.\nADMIN_STATE=configured\nOPER_STATE=routable\n"),
                               running: ["systemd-networkd"], recorded: "systemd-networkd"))
        }

        /// Managed at ADD, but the manager is gone by DEL: nobody else would bring it up.
        @Test func aManagerNotRunningAtDelLeavesUpToUs() throws {
            #expect(try cycle(state: ("NetworkManager", "[device]\nmanaged=true\n"), running: [], recorded: "NetworkManager"))
        }

        /// A device NetworkManager leaves alone (a udev NM_UNMANAGED rule), or networkd's unmanaged link:
        /// brought up by DEL, as it was, though the manager runs.
        @Test func anUnmanagedDeviceIsBroughtUpAsItWas() throws {
            #expect(try cycle(state: ("NetworkManager", "[device]\nmanaged=false\n"), running: ["NetworkManager"], recorded: nil))
            #expect(try cycle(state: ("networkd", "ADMIN_STATE=unmanaged\n"), running: ["systemd-networkd"], recorded: nil))
            #expect(try cycle(state: nil, running: ["NetworkManager"], recorded: nil))
        }

        /// A key of another group, or a commented one, is not the device's state.
        @Test func onlyTheDeviceGroupsManagedKeyCounts() throws {
            #expect(try cycle(state: ("NetworkManager", "[other]\nmanaged=true\n[device]\n#managed=true\n"),
                              running: ["NetworkManager"], recorded: nil))
        }
    }
}
