import Foundation
import Testing

/// VERSION, CHECK, STATUS, GC, IPAM delegation and prevResult pass-through.
extension Privileged {
    @Suite(.serialized) struct CommandTests {
        @Test func versionAnswersInTheInputsVersion() {
            for version in ["0.3.0", "0.4.0", "1.1.0"] {
                let run = plugin("VERSION", "{\"cniVersion\":\"\(version)\"}", netns: nil)
                #expect(run.status == 0 && run.json["cniVersion"] as? String == version, "\(run.stdout)")
                #expect((run.json["supportedVersions"] as? [String])?.contains("1.1.0") == true)
            }
        }

        @Test func checkAfterAddAndAfterDel() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let add = plugin("ADD", conf(device), netns: ns)
            #expect(add.status == 0)
            let withPrev = conf(device, extra: ",\"prevResult\":\(add.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
            #expect(plugin("CHECK", withPrev, netns: ns).status == 0)
            let old = plugin("CHECK", conf(device, version: "0.3.1", extra: ",\"prevResult\":{}"), netns: ns)
            #expect(old.code == 1, "CHECK needs 0.4.0: \(old.stdout)")
            sh("nsenter --net=\(ns) ip link set net1 name other0")
            #expect(plugin("CHECK", withPrev, netns: ns).status == 1, "CHECK sees the device renamed away")
            sh("nsenter --net=\(ns) ip link set other0 name net1")
            #expect(plugin("DEL", conf(device), netns: ns).status == 0)
            #expect(plugin("CHECK", withPrev, netns: ns).status == 1, "CHECK after DEL fails")
        }

        @Test func statusNeedsVersion110() throws {
            #expect(plugin("STATUS", "{\"cniVersion\":\"1.1.0\",\"name\":\"lctest\",\"type\":\"host-device\"}", netns: nil).status == 0)
            #expect(plugin("STATUS", "{\"cniVersion\":\"1.0.0\",\"name\":\"lctest\",\"type\":\"host-device\"}", netns: nil).code == 1)
        }

        @Test func gcReturnsDevicesOfUnknownAttachments() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let (kept, dropped) = (try lab.device(), try lab.device())
            let (ns1, ns2) = (try lab.namespace(), try lab.namespace())
            #expect(plugin("ADD", conf(kept), netns: ns1, container: "keep").status == 0)
            #expect(plugin("ADD", conf(dropped), netns: ns2, container: "drop").status == 0)
            let gc = "{\"cniVersion\":\"1.1.0\",\"name\":\"lctest\",\"type\":\"host-device\",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"net1\"}]}"
            let run = plugin("GC", gc, netns: nil)
            #expect(run.status == 0, "\(run.stdout)")
            #expect(link(dropped)?.contains(",UP") == true, "the dropped attachment's device is back")
            #expect(link("net1", in: ns1) != nil, "the valid attachment stays")
            #expect(try stateFiles() == ["lctest_keep_net1.json"])
            #expect(plugin("DEL", conf(kept), netns: ns1, container: "keep").status == 0)
        }

        @Test func ipamDelegationAndPrevResult() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let prev = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"\(ns)\"}],\"ips\":[]}"
            let config = conf(device, extra: ",\"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"10.9.8.7/24\"}]},\"prevResult\":\(prev)")
            let add = plugin("ADD", config, netns: ns)
            #expect(add.status == 0, "\(add.stdout)")
            let interfaces = add.json["interfaces"] as? [[String: Any]] ?? []
            #expect(interfaces.map { $0["name"] as? String } == ["eth0", "net1"], "prevResult interfaces kept, ours appended")
            let ips = add.json["ips"] as? [[String: Any]] ?? []
            #expect(ips.first?["address"] as? String == "10.9.8.7/24" && ips.first?["interface"] as? Int == 1)
            #expect(sh("nsenter --net=\(ns) ip -o addr show dev net1").output.contains("10.9.8.7/24"), "address configured")
            #expect(plugin("DEL", config, netns: ns).status == 0)
            let routed = conf(device, extra: ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"\(Lab.root)/ipam\",\"ranges\":[[{\"subnet\":\"10.77.0.0/24\",\"gateway\":\"10.77.0.1\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}")
            let add2 = plugin("ADD", routed, netns: ns)
            #expect(add2.status == 0, "\(add2.stdout)")
            #expect(sh("nsenter --net=\(ns) ip route").output.contains("default via 10.77.0.1 dev net1"), "route configured")
            #expect(plugin("DEL", routed, netns: ns).status == 0)
            sh("rm -rf \(Lab.root)/ipam")
            let missing = plugin("ADD", conf(device, extra: ",\"ipam\":{\"type\":\"nosuchipam\"}"), netns: ns)
            #expect(missing.code == 7 && link(device) != nil, "unknown IPAM: nothing moved: \(missing.stdout)")
        }
    }
}
