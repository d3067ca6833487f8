import Foundation
import Glibc
import Testing

/// The plugin as a process among others: what its IPAM child inherits, a child that stops reading or
/// dies, signals, and a state write that fails after the move. After each, the device is back in the host
/// exactly as it was (or, where the ADD succeeds, comes back on DEL), and nothing of ours is left.
extension Privileged {
    @Suite(.serialized) struct ProcessTests {
        /// A CNI_PATH directory under the test root holding one fake IPAM plugin `name` (a shell script).
        static func fakeIPAM(_ name: String, _ script: String) throws -> String {
            let directory = Lab.root + "/fake-ipam"
            try must("mkdir -p \(directory)")
            try ("#!/bin/sh\n" + script).write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            try must("chmod 0755 \(directory)/\(name)")
            return directory
        }

        func config(_ device: String, ipam: String, padding: Int = 0, extra: String = "") -> String {
            conf(device, extra: ",\"ipam\":{\"type\":\"\(ipam)\"}" + (padding > 0 ? ",\"pad\":\"\(String(repeating: "p", count: padding))\"" : "") + extra)
        }

        func expectBack(_ device: String, _ before: String, in ns: String, _ what: String) throws {
            #expect(linkTable(only: device) == before, "\(what): the device is back in the host as it was")
            #expect(linkTable(ns).split(separator: "\n").count == 1, "\(what): only lo is left inside")
            #expect(try stateFiles().isEmpty, "\(what): no state left")
            #expect(try FileManager.default.contentsOfDirectory(atPath: Lab.stateDir).filter { $0.hasSuffix(".netns") }.isEmpty,
                    "\(what): no scratch namespace left pinned")
        }

        /// The IPAM plugin lists its descriptors; none may be a socket, namespace or file the plugin opened
        /// (anything the test process itself passed down to the plugin is left out). Before, it had the
        /// plugin's two netlink sockets.
        @Test func ipamInheritsNoDescriptorOfOurs() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let seen = Lab.root + "/fake-ipam-fds"
            let path = try Self.fakeIPAM("fdlist", """
                cat >/dev/null
                : > \(seen)
                for f in /proc/$$/fd/*; do echo "$(basename $f) $(readlink $f)" >> \(seen); done
                echo '{"cniVersion":"1.0.0","ips":[]}'
                """)
            let report = Lab.root + "/fd-report"
            for command in ["ADD", "DEL"] {
                unlink(seen)
                let run = plugin(command, config(device, ipam: "fdlist"), netns: ns, env: ["CNI_PATH": path, "LINKCAPS_TEST_FD_REPORT": report])
                #expect(run.status == 0, "\(command): \(run.stdout)")
                // What the plugin was started with (the test process passes some down) is not the plugin's.
                let passedDown = Set(try descriptorReport(report).filter { $0.0 == "start" }.map(\.target))
                let listing = try String(contentsOfFile: seen, encoding: .utf8).split(separator: "\n")
                    .compactMap { $0.split(separator: " ", maxSplits: 1).last.map(String.init) }
                #expect(listing.contains { $0.hasPrefix("pipe:") }, "the listing ran: \(listing)")
                let ours = listing.filter { target in
                    !passedDown.contains(target) && (target.hasPrefix("socket:") || target.hasPrefix("net:[") || target == ns
                                                     || target.hasPrefix(Lab.stateDir) || target.hasPrefix(Lab.cacheDir))
                }
                #expect(ours.isEmpty, "\(command): the IPAM plugin inherited \(ours)")
            }
            #expect(link(device)?.contains(",UP") == true)
        }

        /// The IPAM plugin closes its stdin and fails without reading a 1 MB configuration: the plugin gets
        /// EPIPE (SIGPIPE is ignored), reports IPAM's own error and puts the device back. Before, SIGPIPE
        /// killed it mid-ADD and the device stayed in the container.
        @Test func ipamThatStopsReadingDoesNotKillThePlugin() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let path = try Self.fakeIPAM("noread", """
                [ "$CNI_COMMAND" = DEL ] && exit 0
                exec 0<&-
                echo '{"cniVersion":"1.0.0","code":11,"msg":"no addresses left"}'
                exit 1
                """)
            let run = plugin("ADD", config(device, ipam: "noread", padding: 1 << 20), netns: ns, env: ["CNI_PATH": path])
            #expect(!run.crashed && run.status == 1, "exit \(run.status), crashed \(run.crashed): \(run.stderr.prefix(300))")
            #expect(run.code == 11 && run.msg.contains("no addresses left"), "\(run.stdout)")
            try expectBack(device, before, in: ns, "IPAM stopped reading")
        }

        @Test func ipamKilledByASignalIsReportedByName() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let path = try Self.fakeIPAM("dies", "[ \"$CNI_COMMAND\" = DEL ] && exit 0\ncat >/dev/null\nkill -9 $$\n")
            let run = plugin("ADD", config(device, ipam: "dies"), netns: ns, env: ["CNI_PATH": path])
            #expect(run.status == 1 && run.msg.contains("killed by SIGKILL"), "\(run.stdout)")
            try expectBack(device, before, in: ns, "IPAM killed")
        }

        /// SIGTERM, SIGINT or SIGHUP while ADD is under way (held at a step by the pause hook): the plugin
        /// stops, puts the device back and says why. Before, the signal ended it there, the device left in
        /// the container or the scratch namespace.
        @Test(arguments: [("add.1", nil, SIGTERM), ("add.1", "scratch-namespace", SIGINT), ("add.2", "scratch-namespace", SIGTERM),
                          ("add.3", "scratch-namespace", SIGHUP)] as [(String, String?, Int32)])
        func aSignalDuringAddRollsBack(step: String, strategy: String?, signal: Int32) throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device(mtu: 1400)
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let paused = try PausedPlugin(step, "ADD", config: conf(device, extra: strategy.map { ",\"strategy\":\"\($0)\"" } ?? ""), netns: ns)
            #expect(paused.reached, "paused at \(step)")
            let run = paused.resume(signal)
            #expect(!run.crashed && run.status == 1, "\(step): exit \(run.status), crashed \(run.crashed)")
            #expect(run.msg.contains("interrupted by SIG"), "\(step): \(run.stdout)")
            try expectBack(device, before, in: ns, "\(step) \(strategy ?? "auto")")
        }

        /// SIGTERM while the IPAM plugin runs: the plugin ends it, gives its addresses back (IPAM DEL) and
        /// puts the device back.
        @Test func aSignalDuringIPAMEndsItAndReleasesTheAddresses() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let log = Lab.root + "/fake-ipam-log"
            unlink(log)
            let path = try Self.fakeIPAM("slow", """
                cat >/dev/null
                echo "$CNI_COMMAND $$" >> \(log)
                [ "$CNI_COMMAND" = DEL ] && exit 0
                exec sleep 30
                """)
            let running = try RunningPlugin("ADD", config: config(device, ipam: "slow"), netns: ns, env: ["CNI_PATH": path])
            let started = running.wait(until: { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("ADD") })
            #expect(started, "the IPAM plugin started")
            let run = running.finish(sending: SIGTERM)
            let calls = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
            #expect(!run.crashed && run.status == 1 && run.msg.contains("interrupted by SIGTERM while IPAM"), "\(run.stdout)")
            #expect(calls.map { $0.split(separator: " ")[0] } == ["ADD", "DEL"], "IPAM ADD, then DEL to release: \(calls)")
            if let add = calls.first?.split(separator: " ").last, let pid = Int32(add) {
                #expect(kill(pid, 0) != 0, "the IPAM child is gone")
            }
            try expectBack(device, before, in: ns, "SIGTERM during IPAM")
        }

        /// Another run holds the state lock (here: the test): the waiting plugin still hears SIGTERM, ends
        /// with code 11 and has touched nothing.
        @Test func aSignalEndsTheWaitForTheLock() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let holder = open(Lab.stateDir + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            defer { close(holder) }
            #expect(holder >= 0 && flock(holder, LOCK_EX) == 0)
            let running = try RunningPlugin("ADD", config: conf(device), netns: ns)
            #expect(!running.wait(seconds: 0.5), "the plugin waits for the lock")
            let run = running.finish(sending: SIGTERM)
            #expect(!run.crashed && run.status == 1 && run.code == 11 && run.msg.contains("interrupted by SIGTERM while waiting"),
                    "\(run.stdout)")
            #expect(linkTable(only: device) == before)
            #expect(try stateFiles().isEmpty)
        }

        /// The state directory is on a one-page tmpfs: the first record fits, the final one cannot be
        /// written (ENOSPC) after the device moved. Before, the device stayed in the container.
        @Test func aFailedFinalRecordRollsBack() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let tiny = Lab.root + "/tiny-state"
            try must("mkdir -p \(tiny) && mount -t tmpfs -o size=4k,mode=0700 tmpfs \(tiny)")
            defer { sh("umount \(tiny); rmdir \(tiny)") }
            let run = plugin("ADD", conf(device), netns: ns, env: ["LINKCAPS_STATE_DIR": tiny])
            #expect(run.status == 1 && run.code == 5 && run.msg.contains("ENOSPC"), "\(run.stdout)")
            #expect(linkTable(only: device) == before, "the device is back as it was")
            #expect(linkTable(ns).split(separator: "\n").count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: tiny).filter { $0.hasSuffix(".json") || $0.hasSuffix(".tmp") }.isEmpty)
        }

        /// The plugin's own descriptors, read from /proc/<pid>/fd while it is held at a step, and as it exits:
        /// while working it holds the namespaces and sockets it needs; at exit, only stdin, stdout, stderr.
        @Test func thePluginsOwnDescriptors() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let report = Lab.root + "/fd-report"
            unlink(report)
            let paused = try PausedPlugin("add.1", "ADD", config: conf(device), netns: ns, env: ["LINKCAPS_TEST_FD_REPORT": report])
            #expect(paused.reached)
            let held = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(paused.pid)/fd").compactMap { Int32($0) }
            let targets = held.map { fd in (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(paused.pid)/fd/\(fd)")) ?? "?" }
            #expect(targets.filter { $0.hasPrefix("socket:") }.count >= 2, "host and container sockets: \(targets)")
            #expect(targets.contains(ns), "the container namespace: \(targets)")
            #expect(targets.contains(Lab.stateDir + "/lock"), "the state lock: \(targets)")
            #expect(!targets.contains("?"), "every descriptor was readable")
            let run = paused.resume(SIGUSR1)
            #expect(run.status == 0, "\(run.stdout)")
            #expect(try keptDescriptors(report).isEmpty, "at exit after ADD")
            #expect(plugin("DEL", conf(device), netns: ns, env: ["LINKCAPS_TEST_FD_REPORT": report]).status == 0)
            #expect(try keptDescriptors(report).isEmpty, "at exit after DEL")
        }
    }
}

/// The descriptors the plugin opened and still held as it exited (LINKCAPS_TEST_FD_REPORT: its exit listing
/// less what it was started with); throws when the report is missing or unreadable, so that a leak check
/// can never pass by not looking.
func keptDescriptors(_ path: String) throws -> [String] {
    let lines = try descriptorReport(path)
    let start = Set(lines.filter { $0.0 == "start" }.map { "\($0.fd) \($0.target)" })
    return lines.filter { $0.0 == "exit" }.map { "\($0.fd) \($0.target)" }.filter { !start.contains($0) }
}

/// The report's lines as (start|exit, fd, target); read once, then removed.
func descriptorReport(_ path: String) throws -> [(String, fd: Int32, target: String)] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    unlink(path)
    let lines = text.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 2).map(String.init) }
    guard lines.allSatisfy({ $0.count == 3 && Int32($0[1]) != nil }),
          lines.contains(where: { $0[0] == "start" }), lines.contains(where: { $0[0] == "exit" && $0[1] == "2" }) else {
        throw HarnessFailure("unreadable descriptor report at \(path): \(text)")
    }
    return lines.map { ($0[0], Int32($0[1])!, $0[2]) }
}
