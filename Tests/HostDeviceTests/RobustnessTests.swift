import Foundation
import Glibc
import Synchronization
import Testing

/// Kills, load and repetition: the device always comes back under its original name and state, and
/// nothing is left behind (links, namespaces, state files, descriptors).
extension Privileged {
    @Suite(.serialized) struct RobustnessTests {
        /// Kills the plugin with -9 where it paused.
        func killAt(_ step: String, _ command: String, config: String, netns: String) throws -> Bool {
            let paused = try PausedPlugin(step, command, config: config, netns: netns)
            kill(paused.process.processIdentifier, SIGKILL)
            paused.process.waitUntilExit()
            return paused.reached
        }

        /// The wanted name is taken in the container after the pre-check (a race): the kernel moves the
        /// device, then says EEXIST; the plugin must bring it back, UP, with the host seeing only its name.
        @Test func nameTakenAfterThePreCheckIsRecovered() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let recorder = try HostRecorder()
            let index = ifindex(device)
            let paused = try PausedPlugin("add.1", "ADD", config: conf(device), netns: ns)
            #expect(paused.reached)
            sh("nsenter --net=\(ns) ip link add net1 type veth peer name lcr0")
            let run = paused.resume(SIGUSR1)
            let answer = run.stdout
            #expect(run.status == 1 && answer.contains("EEXIST"), "\(answer)")
            #expect(linkTable(only: device) == before, "back in the host as it was: \(answer)")
            #expect(Set(try recorder.names(index: index)).subtracting([device]).isEmpty, "the host saw only \(device)")
            #expect(try stateFiles().isEmpty)
        }

        @Test(arguments: [("add.1", nil), ("add.1", "scratch-namespace"), ("add.2", "scratch-namespace"),
                          ("add.3", "scratch-namespace"), ("del.1", nil), ("del.2", nil), ("del.1", "scratch-namespace"),
                          ("del.2", "scratch-namespace"), ("del.3", "scratch-namespace")] as [(String, String?)])
        func killNineThenDelRestores(step: String, strategy: String?) throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device(mtu: 1400)
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let config = conf(device, extra: strategy.map { ",\"strategy\":\"\($0)\"" } ?? "")
            if step.hasPrefix("del") {
                #expect(plugin("ADD", config, netns: ns).status == 0)
                // Something inside changes the MTU: DEL must restore it.
                sh("nsenter --net=\(ns) ip link set net1 mtu 1300")
            }
            #expect(try killAt(step, step.hasPrefix("add") ? "ADD" : "DEL", config: config, netns: ns), "paused at \(step)")
            let del = plugin("DEL", config, netns: ns)
            #expect(del.status == 0, "\(step): \(del.stdout)")
            #expect(linkTable(only: device) == before, "\(step) \(strategy ?? "auto"): the device is back as it was")
            #expect(linkTable(ns).components(separatedBy: "\n").filter { !$0.isEmpty }.count == 1, "only lo is left inside")
            #expect(try stateFiles().isEmpty)
        }

        @Test func thirtyTwoConcurrentAddsThenDels() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let devices = try (0..<32).map { _ in try lab.device() }
            let namespaces = try (0..<32).map { _ in try lab.namespace() }
            let before = devices.map { linkTable(only: $0) }
            let collected = Mutex<[String]>([])
            for command in ["ADD", "DEL"] {
                DispatchQueue.concurrentPerform(iterations: 32) { i in
                    let run = plugin(command, conf(devices[i]), netns: namespaces[i], container: "c\(i)")
                    if run.status != 0 { collected.withLock { $0.append("\(command) \(i): \(run.stdout)") } }
                    if command == "ADD", link("net1", in: namespaces[i]) == nil {
                        collected.withLock { $0.append("\(i): net1 missing") }
                    }
                }
            }
            let failures = collected.withLock { $0 }
            #expect(failures.isEmpty, "\(failures)")
            #expect(devices.map { linkTable(only: $0) } == before)
            #expect(try stateFiles().isEmpty)
        }

        @Test func twoHundredCyclesLeakNothing() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let mountsBefore = mounts()
            let report = Lab.root + "/fd-report-cycles"
            var failures: [String] = []
            for cycle in 0..<200 {
                for command in ["ADD", "DEL"] {
                    let run = plugin(command, conf(device), netns: ns, env: ["LINKCAPS_TEST_FD_REPORT": report])
                    if run.status != 0 { failures.append("\(command) \(cycle): \(run.stdout)") }
                    // The plugin's own descriptors as it exits: anything it opened and kept is a leak.
                    let kept = try keptDescriptors(report)
                    if !kept.isEmpty { failures.append("\(command) \(cycle) kept \(kept)") }
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            #expect(linkTable(only: device) == before)
            #expect(try stateFiles().isEmpty)
            #expect(mounts() == mountsBefore, "no namespace left mounted")
        }

        /// Whatever the container did to the device (new name, MAC, MTU, down), DEL brings it back as it was.
        @Test func delUndoesWhatTheContainerChanged() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            #expect(plugin("ADD", conf(device), netns: ns).status == 0)
            sh("nsenter --net=\(ns) sh -c 'ip link set net1 down; ip link set net1 address 02:11:22:33:44:55 mtu 1280 name inner0'")
            let del = plugin("DEL", conf(device), netns: ns)
            #expect(del.status == 0, "\(del.stdout)")
            #expect(linkTable(only: device) == before, "name, MAC, MTU and UP restored")
            #expect(link("inner0", in: ns) == nil)
        }

        @Test func delIsIdempotentAndFindsReturnedDevices() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            #expect(plugin("DEL", conf(device), netns: ns).status == 0, "DEL before any ADD")
            #expect(plugin("ADD", conf(device), netns: ns).status == 0)
            #expect(plugin("DEL", conf(device), netns: ns).status == 0)
            #expect(plugin("DEL", conf(device), netns: ns).status == 0, "DEL twice")
            #expect(plugin("DEL", conf(device), netns: "/nonexistent/ns").status == 0, "DEL with the namespace gone")
            // A device a dying namespace returned: in the host under the container's name, alias still set.
            let alias = "linkcaps name=\(device) up=1 mtu=1500"
            sh("ip link set \(device) down && ip link set \(device) name lctret\(getpid() % 10000) alias '\(alias)'")
            let del = plugin("DEL", conf(device), netns: "/nonexistent/ns", container: "gone")
            #expect(del.status == 0, "\(del.stdout)")
            let after = link(device)
            #expect(after?.contains(",UP") == true, "restored and UP: \(after ?? "missing")")
            #expect(after?.contains("alias") == false, "alias cleared")
            sh("ip link del lctret\(getpid() % 10000) 2>/dev/null")
        }

        /// ctr calls DEL with CNI_NETNS empty as soon as the task exited; a physical NIC is back only once the
        /// kernel has dismantled the task's namespace. DEL must wait for it rather than take it for gone.
        /// The device is a veth whose record is marked physical (only NICs are returned, and this machine
        /// has none to spare); two seconds after DEL starts it reaches the host the way the kernel returns
        /// one: under its name in the container, alias record kept.
        @Test func delWaitsForAPhysicalDeviceStillOnItsWayBack() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            #expect(plugin("ADD", conf(device), netns: ns).status == 0)
            let path = Lab.stateDir + "/lctest_c1_net1.json"
            let record = try String(contentsOfFile: path, encoding: .utf8)
            #expect(record.contains(#""kernelpath":null"#))
            try record.replacingOccurrences(of: #""kernelpath":null"#, with: #""kernelpath":"/sys/devices/virtual/net/lcphys""#)
                .write(toFile: path, atomically: true, encoding: .utf8)
            // Our own process, not sh's `&`: a background job would hold sh's output pipe (and the test) open.
            let mover = Process()
            mover.executableURL = URL(fileURLWithPath: "/bin/sh")
            mover.arguments = ["-c", "sleep 2; nsenter --net=\(ns) ip link set net1 netns \(getpid())"]
            mover.standardOutput = FileHandle.nullDevice
            mover.standardError = FileHandle.nullDevice
            try mover.run()
            // A DEL that gave up leaves the device in the host as net1; that one (with our record) goes.
            defer { sh("ip -o link show dev net1 2>/dev/null | grep -q 'alias linkcaps name=\(device) ' && ip link del net1") }
            let del = plugin("DEL", conf(device), netns: nil)
            mover.waitUntilExit()
            #expect(del.status == 0, "\(del.stdout)")
            #expect(linkTable(only: device) == before, "restored once it came back")
            #expect(link("net1") == nil && link("net1", in: ns) == nil)
            #expect(try stateFiles().isEmpty)
        }
    }
}

func stateFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: Lab.stateDir).filter { $0.hasSuffix(".json") && $0.hasPrefix("lctest_") }
}

/// Namespace mounts under the test root (ours only: other test runs on the same host mount their own).
func mounts() -> Int {
    let table = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
    return table.split(separator: "\n").filter { line in
        let fields = line.split(separator: " ")
        return fields.count > 4 && fields[4].hasPrefix(Lab.root + "/") && line.contains(" nsfs ")
    }.count
}
