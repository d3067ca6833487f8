import Foundation
import Glibc
import Testing

/// The runtime lets the pod's namespace die before DEL (ctr: CNI_NETNS empty; cri-o: unmounted first).
/// The plugin's pin keeps it alive, so the device never reaches the host under its pod name (a physical
/// one) nor dies with it (a virtual one), and DEL brings it home from the pin.
extension Privileged {
    @Suite(.serialized) struct PodNamespacePinTests {
        /// An anonymous network namespace held only by a process (`unshare --net sleep`), as a task's is.
        final class NamespaceHolder {
            let process = Process()

            init() throws {
                process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
                process.arguments = ["--net", "/bin/sleep", "600"]
                try process.run()
                let host = sh("readlink /proc/self/ns/net").output
                for _ in 0..<200 {
                    let own = sh("readlink /proc/\(process.processIdentifier)/ns/net 2>/dev/null").output
                    if !own.isEmpty && own != host { return }
                    usleep(10_000)
                }
                end()
                throw HarnessFailure("unshare --net did not give its process a namespace of its own")
            }

            var path: String { "/proc/\(process.processIdentifier)/ns/net" }

            /// The last process of the namespace is gone: nothing but a pin holds it now.
            func end() {
                guard process.isRunning else { return }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }

            deinit { end() }
        }

        let pin = Lab.stateDir + "/lctest_c1_net1.podns"

        func recordedPin() -> String? {
            guard let data = FileManager.default.contents(atPath: Lab.stateDir + "/lctest_c1_net1.json"),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return json["netnsPin"] as? String
        }

        /// After DEL or a rollback: no pin, no namespace mounted, no record.
        func expectNothingLeft(mountsBefore: Int, _ context: String = "") throws {
            #expect(!FileManager.default.fileExists(atPath: pin), "the pin is gone \(context)")
            #expect(mounts() == mountsBefore, "no namespace left mounted \(context)")
            #expect(try stateFiles().isEmpty, "no record left \(context)")
        }

        @Test func delWithEmptyNetnsAfterTheNamespaceLostItsLastProcess() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device(mtu: 1400)
            let before = linkTable(only: device)
            let mountsBefore = mounts()
            let index = ifindex(device)
            let holder = try NamespaceHolder()
            let recorder = try HostRecorder()
            let add = plugin("ADD", conf(device), netns: holder.path)
            #expect(add.status == 0, "\(add.stdout)")
            #expect(recordedPin() == pin, "the record names the pin")
            #expect(mounts() == mountsBefore + 1, "the pod's namespace is pinned while attached")
            holder.end()
            #expect(link(device) == nil, "still in the pinned namespace, not handed to the host")
            let del = plugin("DEL", conf(device), netns: nil)
            #expect(del.status == 0, "\(del.stdout)")
            #expect(linkTable(only: device) == before, "home with its name, MTU, MAC and state")
            #expect(Set(try recorder.names(index: index)).subtracting([device]).isEmpty, "the host saw only \(device)")
            try expectNothingLeft(mountsBefore: mountsBefore)
        }

        /// A record of another boot is never trusted with its pin (after a reboot the path is a plain file,
        /// or a mount someone else made): DEL without CNI_NETNS looks only in the host, moves nothing out of
        /// the pinned namespace, and still drops the pin with the record.
        @Test func aPinOfAnEarlierBootIsNotOpened() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let mountsBefore = mounts()
            #expect(plugin("ADD", conf(device), netns: ns).status == 0)
            try markFromEarlierBoot(container: "c1")
            let del = plugin("DEL", conf(device), netns: nil)
            #expect(del.status == 0, "\(del.stdout)")
            #expect(link("net1", in: ns) != nil && link(device) == nil, "nothing moved out of a namespace of another boot's record")
            try expectNothingLeft(mountsBefore: mountsBefore, "(earlier boot)")
        }

        /// A failed ADD (interrupted before its first step) rolls back, pin included.
        @Test func failedAddLeavesNoPin() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let mountsBefore = mounts()
            let paused = try PausedPlugin("add.1", "ADD", config: conf(device), netns: ns)
            #expect(paused.reached)
            #expect(FileManager.default.fileExists(atPath: pin), "pinned before the device moves")
            let run = paused.resume(SIGTERM)
            #expect(run.status != 0, "\(run.stdout)")
            #expect(linkTable(only: device) == before)
            try expectNothingLeft(mountsBefore: mountsBefore, "after the rollback")
        }

        /// ADD killed with -9 at a step, then the namespace loses its last process, then DEL without
        /// CNI_NETNS: the device comes home from the pinned namespace (or the scratch one) and both pins go.
        @Test(arguments: [("add.1", nil), ("add.2", "scratch-namespace"), ("add.3", "scratch-namespace")] as [(String, String?)])
        func killedAddThenDelWithEmptyNetns(_ step: String, _ strategy: String?) throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let before = linkTable(only: device)
            let mountsBefore = mounts()
            let index = ifindex(device)
            let holder = try NamespaceHolder()
            let recorder = try HostRecorder()
            let config = conf(device, extra: strategy.map { ",\"strategy\":\"\($0)\"" } ?? "")
            let paused = try PausedPlugin(step, "ADD", config: config, netns: holder.path)
            #expect(paused.reached)
            kill(paused.pid, SIGKILL)
            paused.process.waitUntilExit()
            holder.end()
            let del = plugin("DEL", config, netns: nil)
            #expect(del.status == 0, "\(del.stdout)")
            #expect(linkTable(only: device) == before, "\(step) \(strategy ?? "auto"): home as it was")
            #expect(Set(try recorder.names(index: index)).subtracting([device]).isEmpty, "the host saw only \(device)")
            try expectNothingLeft(mountsBefore: mountsBefore, "(\(step))")
        }
    }
}
