import Capabilities
import CapabilityCache
import Foundation
import Glibc
import Probe
import Testing

/// The old-kernel plans, executed here. This kernel moves altnames with the device and keeps the host's
/// name on an in-flight rename, so the plugin is fed a report (through its cache, LINKCAPS_CACHE_DIR) that
/// is this kernel's own with the two answers Debian's 5.10 gives: `altname.followsMove` and
/// `move.sourceSeesOnlyOriginalNameOnClash` unsupported. The plan then takes the altname off in the host
/// before the move (RTM_DELLINKPROP) and gives it back once the device is home (RTM_NEWLINKPROP); here the
/// kernel would have carried it into the container, so an altname missing inside shows the step ran.
/// Checked by resolution in the host (the name does not resolve while attached, can be given to another
/// link, and names the device again after DEL) and by the host's event recorder.
extension Privileged {
    @Suite(.serialized) struct AltNameStepTests {
        static let cacheDir = Lab.root + "/cache-old-kernel"

        /// The plugin's environment with the old-kernel cache, seeded once per run.
        static let env: [String: String] = {
            let oldKernel = { (options: ProbeOptions) throws -> Report in
                var report = try Prober.run(options)
                for id in [CapabilityID.altnameFollowsMove, .moveSourceSeesOnlyOriginalNameOnClash] {
                    report[id] = CapabilityResult(state: .unsupported, summary: "as Debian 5.10 answers (test report)",
                                                  evidence: Evidence(), metadata: report[id]?.metadata ?? CapabilityMetadata())
                }
                return report
            }
            sh("rm -rf \(cacheDir)")
            _ = try? CapabilityCache(directory: cacheDir, probe: oldKernel).report()
            return ["LINKCAPS_CACHE_DIR": cacheDir]
        }()

        /// A veth end with one altname, and the namespace it goes to.
        func setUp(_ lab: Lab) throws -> (device: String, altName: String, ns: String) {
            let device = try lab.device()
            let altName = device + "-alt"
            try must("ip link property add dev \(device) altname \(altName)")
            return (device, altName, try lab.namespace())
        }

        @Test func theReportIsTheOldKernels() throws {
            #expect(Self.env["LINKCAPS_CACHE_DIR"] == Self.cacheDir, "seeded first")
            let report = try CapabilityCache(directory: Self.cacheDir).report()
            #expect(report.state(.altnameFollowsMove) == .unsupported && report.state(.moveSourceSeesOnlyOriginalNameOnClash) == .unsupported)
            #expect(report.state(.moveSingleRequest) == .supported)
        }

        /// ADD takes the altname off in the host first: while attached it resolves nowhere in the host (nor in
        /// the container, where this kernel would have moved it), and another link may take it; DEL gives it
        /// back. The host's recorder saw only the device's own name.
        @Test func addTakesTheAltnameOffAndDelGivesItBack() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let (device, altName, ns) = try setUp(lab)
            let before = linkTable(only: device)
            #expect(before.contains("altname \(altName)"))
            let index = ifindex(device)
            let recorder = try HostRecorder()
            let add = plugin("ADD", conf(device), netns: ns, env: Self.env)
            #expect(add.status == 0, "\(add.stdout) \(add.stderr)")
            let record = try stateRecord()
            #expect(record.strategy == "single-request" && record.altNames == [altName], "\(record)")
            #expect(link(altName) == nil, "the host still resolves \(altName) while the device is in the container")
            #expect(link(device) == nil)
            let inside = link("net1", in: ns) ?? ""
            #expect(!inside.isEmpty && !inside.contains("altname"), "the device entered the container with its altname: \(inside)")
            let reuse = "lcr\(getpid() % 100000)"
            let taken = sh("ip link add \(reuse) type veth peer name \(reuse)p && ip link property add dev \(reuse) altname \(altName)")
            sh("ip link del \(reuse) 2>/dev/null")
            #expect(taken.status == 0, "the host cannot give \(altName) to another link while the device is away: \(taken.output)")
            let del = plugin("DEL", conf(device), netns: ns, env: Self.env)
            #expect(del.status == 0 && del.stderr.isEmpty, "\(del.stdout) \(del.stderr)")
            #expect(linkTable(only: device) == before, "back as it was, altname included")
            #expect(link(altName)?.hasPrefix("\(index): \(device)@") == true, "\(altName) names the device again: \(link(altName) ?? "nothing")")
            #expect(Set(try recorder.names(index: index)) == [device], "the host saw only \(device)")
        }

        /// kill -9 at every step of ADD and of DEL (the altname steps included), then DEL: the device is back
        /// as it was, altname included, wherever the kill left it.
        @Test(arguments: ["add", "del"])
        func killNineAtEveryStepThenDel(phase: String) throws {
            var step = 1
            var steps: [String] = []
            while step < 10 {
                let lab = Lab()
                defer { lab.cleanUp() }
                let (device, altName, ns) = try setUp(lab)
                let before = linkTable(only: device)
                if phase == "del" {
                    #expect(plugin("ADD", conf(device), netns: ns, env: Self.env).status == 0)
                    sh("nsenter --net=\(ns) ip link set net1 mtu 1300")
                }
                let paused = try PausedPlugin("\(phase).\(step)", phase == "add" ? "ADD" : "DEL", config: conf(device), netns: ns,
                                              env: Self.env)
                guard paused.reached else {
                    let run = paused.running.finish()
                    #expect(run.status == 0, "\(phase) without a pause: \(run.stdout)")
                    #expect(plugin("DEL", conf(device), netns: ns, env: Self.env).status == 0)
                    #expect(linkTable(only: device) == before)
                    break
                }
                kill(paused.pid, SIGKILL)
                paused.process.waitUntilExit()
                let del = plugin("DEL", conf(device), netns: ns, env: Self.env)
                #expect(del.status == 0 && del.stderr.isEmpty, "kill -9 at \(phase).\(step): \(del.stdout) \(del.stderr)")
                #expect(linkTable(only: device) == before, "kill -9 at \(phase).\(step), then DEL: back as it was")
                #expect(link(altName)?.contains(device) == true, "kill -9 at \(phase).\(step): \(altName) names the device")
                #expect(try stateFiles().isEmpty)
                steps.append("\(phase).\(step)")
                step += 1
            }
            // ADD: take the altname off, move (+ up); DEL: (down,) rename, move home, give the altname back (, up).
            let report = try CapabilityCache(directory: Self.cacheDir).report()
            let separateUp = report.holds(.moveUpInSameRequest) ? 0 : 1
            let expected = phase == "add" ? 2 + separateUp : 3 + separateUp + (report.holds(.renameWhileUp) ? 0 : 1)
            #expect(steps.count == expected, "killed at \(steps)")
        }

        /// A failure after the move (IPAM) rolls back: the altname comes back with the device. Killed at each
        /// step of the rollback, the runtime's DEL finishes it.
        @Test func rollbackGivesTheAltnameBack() throws {
            let path = try ProcessTests.fakeIPAM("failing", """
                cat >/dev/null
                [ "$CNI_COMMAND" = DEL ] && exit 0
                echo '{"cniVersion":"1.0.0","code":11,"msg":"no addresses left"}'
                exit 1
                """)
            let config = { (device: String) in conf(device, extra: ",\"ipam\":{\"type\":\"failing\"}") }
            let env = Self.env.merging(["CNI_PATH": path]) { $1 }
            let lab = Lab()
            defer { lab.cleanUp() }
            let (device, altName, ns) = try setUp(lab)
            let before = linkTable(only: device)
            let add = plugin("ADD", config(device), netns: ns, env: env)
            #expect(add.status == 1 && add.msg.contains("no addresses left") && !add.details.contains("rolled back, but"), "\(add.stdout)")
            #expect(linkTable(only: device) == before, "rolled back, altname included")
            #expect(try stateFiles().isEmpty)
            var killed: [String] = []
            for step in 1...9 {
                let paused = try PausedPlugin("rollback.\(step)", "ADD", config: config(device), netns: ns, env: env)
                guard paused.reached else {
                    _ = paused.running.finish()
                    break
                }
                if step == 1 {
                    // IPAM failed with the device in the container: it went in without its altname.
                    let inside = link("net1", in: ns) ?? ""
                    #expect(!inside.isEmpty && !inside.contains("altname"), "before the rollback: \(inside)")
                }
                kill(paused.pid, SIGKILL)
                paused.process.waitUntilExit()
                let del = plugin("DEL", config(device), netns: ns, env: env)
                #expect(del.status == 0, "kill -9 at rollback.\(step): \(del.stdout)")
                #expect(linkTable(only: device) == before, "kill -9 at rollback.\(step), then DEL")
                #expect(link(altName)?.contains(device) == true)
                killed.append("rollback.\(step)")
            }
            #expect(killed.count >= 3, "the rollback's steps (down, rename, move home, altname back, up): \(killed)")
        }

        /// While the device is away the host gives its altname to another link: DEL brings the device back
        /// (name, MTU, UP) all the same, says on stderr that the altname was not given back, and leaves it
        /// with the other link.
        @Test func anAltnameTakenMeanwhileIsReportedAndBlocksNothing() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let (device, altName, ns) = try setUp(lab)
            let before = linkTable(only: device)
            #expect(plugin("ADD", conf(device), netns: ns, env: Self.env).status == 0)
            let other = "lcr\(getpid() % 100000)"
            try must("ip link add \(other) type veth peer name \(other)p && ip link property add dev \(other) altname \(altName)")
            defer { sh("ip link del \(other) 2>/dev/null") }
            let del = plugin("DEL", conf(device), netns: ns, env: Self.env)
            #expect(del.status == 0, "\(del.stdout)")
            #expect(del.stderr.contains("the altname \(altName) of \(device) was not given back: the host gave it to \(other) meanwhile"),
                    "\(del.stderr)")
            #expect(linkTable(only: device) == before.replacingOccurrences(of: "\\    altname \(altName)", with: ""),
                    "back as it was but for the altname: \(linkTable(only: device))")
            #expect(link(altName)?.contains(": \(other)@") == true, "the other link keeps it")
            #expect(try stateFiles().isEmpty)
        }

        /// The in-flight hazard: the container holds a link named like the device, and the report says the host
        /// would then be shown the final name. The plan goes through a scratch namespace; the host sees only
        /// the device's name (and the altname steps run on that path too).
        @Test func aNameClashInsideGoesThroughTheScratchNamespace() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let (device, altName, ns) = try setUp(lab)
            try must("nsenter --net=\(ns) ip link add \(device) type veth peer name lcz0")
            let before = linkTable(only: device)
            let index = ifindex(device)
            let recorder = try HostRecorder()
            let add = plugin("ADD", conf(device), netns: ns, env: Self.env)
            #expect(add.status == 0, "\(add.stdout)")
            #expect(try stateRecord().strategy == "scratch-namespace")
            #expect(link(altName) == nil)
            let del = plugin("DEL", conf(device), netns: ns, env: Self.env)
            #expect(del.status == 0 && del.stderr.isEmpty, "\(del.stdout) \(del.stderr)")
            #expect(linkTable(only: device) == before)
            #expect(Set(try recorder.names(index: index)) == [device], "the host saw only \(device)")
        }

        /// The single request's recovery finds the move by what it is, not by its place: here the plan starts
        /// with the altname step. The wanted name is taken in the container after the pre-check (paused before
        /// the move); the kernel moves the device and says EEXIST; the plugin cannot finish the rename and
        /// brings the device back, altname included. Before, it took the altname step for the move and
        /// answered success with the device inside under its host name.
        @Test func theRecoveryFindsTheMoveByWhatItIs() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let (device, altName, ns) = try setUp(lab)
            let before = linkTable(only: device)
            let paused = try PausedPlugin("add.2", "ADD", config: conf(device), netns: ns, env: Self.env)
            #expect(paused.reached)
            sh("nsenter --net=\(ns) ip link add net1 type veth peer name lcr0")
            let run = paused.resume(SIGUSR1)
            #expect(run.status == 1 && run.stdout.contains("EEXIST"), "\(run.stdout)")
            #expect(linkTable(only: device) == before, "back in the host as it was: \(run.stdout)")
            #expect(link(altName)?.contains(device) == true)
            #expect(try stateFiles().isEmpty)
        }

        /// The attachment's record, as the plugin wrote it.
        func stateRecord() throws -> (strategy: String?, altNames: [String]) {
            let data = try #require(FileManager.default.contents(atPath: Lab.stateDir + "/lctest_c1_net1.json"))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let device = try #require(json["device"] as? [String: Any])
            return (json["strategy"] as? String, device["altNames"] as? [String] ?? [])
        }
    }
}
