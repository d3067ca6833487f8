import Foundation
import Testing

/// Side by side with Debian's host-device 1.1.1 on the same inputs: the same result shape and error codes
/// where it is right, better where it is wrong (1.1.1 fails a repeated DEL, fails a missing cniVersion only
/// after the move, leaves the device inside when the ifname is taken there, and returns the device DOWN).
extension Privileged {
    @Suite(.serialized) struct ReferenceComparisonTests {
        /// Without the reference there is nothing to compare with: the tests are recorded as skipped, with why.
        static var haveReference: Bool { FileManager.default.isExecutableFile(atPath: referencePlugin) }

        @Test(.enabled(if: haveReference, "\(referencePlugin) is not installed (apt: containernetworking-plugins)"))
        func sameResultShapeAndErrorCodes() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            for version in ["0.3.1", "0.4.0", "1.0.0"] {
                var shapes: [[String]] = []
                for binary in [pluginPath, referencePlugin] {
                    let device = try lab.device()
                    let ns = try lab.namespace()
                    let add = plugin("ADD", conf(device, version: version), netns: ns, binary: binary)
                    #expect(add.status == 0, "\(binary) \(version): \(add.stdout)")
                    #expect(add.json["cniVersion"] as? String == version)
                    let interface = (add.json["interfaces"] as? [[String: Any]])?.first
                    shapes.append(add.json.keys.sorted() + (interface?.keys.sorted() ?? []))
                    #expect(interface?["name"] as? String == "net1" && interface?["sandbox"] as? String == ns)
                    #expect(plugin("DEL", conf(device, version: version), netns: ns, binary: binary).status == 0)
                }
                #expect(shapes[0] == shapes[1], "result keys, ours then theirs: \(shapes)")
            }
            let device = try lab.device()
            let ns = try lab.namespace()
            let inputs: [(String, String, String)] = [("{", "net1", "malformed"), (conf(device, version: "9.9.9"), "net1", "version"),
                                                      (conf(device), "a/b", "ifname")]
            for (config, ifname, label) in inputs {
                let ours = plugin("ADD", config, netns: ns, ifname: ifname)
                let theirs = plugin("ADD", config, netns: ns, ifname: ifname, binary: referencePlugin)
                #expect(ours.code == theirs.code && ours.status == 1 && theirs.status == 1, "\(label): \(ours.stdout) vs \(theirs.stdout)")
            }
        }

        @Test(.enabled(if: haveReference, "\(referencePlugin) is not installed (apt: containernetworking-plugins)"))
        func betterWhereTheReferenceIsWrong() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            // 1. The device comes back UP after DEL (theirs: DOWN).
            var upAfterDel: [Bool] = []
            for binary in [pluginPath, referencePlugin] {
                let device = try lab.device()
                let ns = try lab.namespace()
                _ = plugin("ADD", conf(device), netns: ns, binary: binary)
                _ = plugin("DEL", conf(device), netns: ns, binary: binary)
                upAfterDel.append(link(device)?.contains(",UP") == true)
                // 2. DEL of an attachment that is already gone succeeds (theirs fails).
                let again = plugin("DEL", conf(device), netns: ns, binary: binary)
                if binary == pluginPath { #expect(again.status == 0, "our second DEL: \(again.stdout)") }
                else { print("reference second DEL: status \(again.status) \(again.stdout)") }
            }
            #expect(upAfterDel == [true, false], "UP after DEL, ours then theirs")
            // 3. A failed ADD (ifname taken in the container) leaves nothing inside (theirs leaves the device).
            var leftInside: [Bool] = []
            for binary in [pluginPath, referencePlugin] {
                let device = try lab.device()
                let ns = try lab.namespace()
                sh("nsenter --net=\(ns) ip link add net1 type veth peer name lcq1")
                let add = plugin("ADD", conf(device), netns: ns, binary: binary)
                #expect(add.status == 1)
                leftInside.append(link(device, in: ns) != nil || link(device) == nil)
            }
            #expect(leftInside == [false, true], "device left inside after a failed ADD, ours then theirs")
            // 4. A config without cniVersion is refused before anything moves (theirs moves the device first).
            let device = try lab.device()
            let ns = try lab.namespace()
            let config = "{\"name\":\"lctest\",\"type\":\"host-device\",\"device\":\"\(device)\"}"
            let ours = plugin("ADD", config, netns: ns)
            #expect(ours.code == 1 && link(device) != nil, "\(ours.stdout)")
        }
    }
}
