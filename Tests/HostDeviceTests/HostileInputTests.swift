import Capabilities
import CapabilityCache
import Foundation
import Glibc
import Probe
import Testing

/// Input written by others — configuration, environment, state files — at and past every bound, through
/// the real plugin on real links: a clear CNI error, never a crash, and nothing changed.
extension Privileged {
    @Suite(.serialized) struct HostileInputTests {
        /// Before, a 40 KB `device` corrupted the heap ("free(): invalid next size", SIGABRT, exit 134).
        @Test func aFortyKilobyteDeviceIsRefusedBeforeAnythingIsTouched() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let hostBefore = linkTable(), nsBefore = linkTable(ns)
            let huge = String(repeating: "a", count: 40_000)
            let inputs: [(String, String, [String: String], Int)] = [
                ("device", conf(huge), [:], 7),
                ("hwaddr", "{\"cniVersion\":\"1.0.0\",\"name\":\"lctest\",\"hwaddr\":\"\(huge)\"}", [:], 7),
                ("deviceID", conf(device, extra: ",\"runtimeConfig\":{\"deviceID\":\"\(huge)\"}"), [:], 7),
                ("ipam type", conf(device, extra: ",\"ipam\":{\"type\":\"\(huge)\"}"), [:], 7),
                ("CNI_IFNAME", conf(device), ["CNI_IFNAME": huge], 4),
                ("CNI_CONTAINERID", conf(device), ["CNI_CONTAINERID": huge], 4),
            ]
            for (what, config, env, code) in inputs {
                for command in ["ADD", "DEL", "CHECK"] {
                    let run = plugin(command, config, netns: ns, env: env)
                    #expect(!run.crashed && run.status == 1 && run.code == code, "\(what) \(command): exit \(run.status) \(run.stdout.prefix(200))")
                    #expect(run.stdout.utf8.count < 1000, "\(what): the answer quotes only the start of the value")
                }
            }
            #expect(linkTable() == hostBefore && linkTable(ns) == nsBefore, "nothing changed")
        }

        /// Altnames up to 127 bytes select a device; 128 is refused; a name of 16…127 bytes is looked up
        /// only as an altname (the kernel refuses such an IFLA_IFNAME).
        @Test func anAltnameAtTheLimitSelectsTheDevice() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let altname = "lc" + String(repeating: "x", count: 125)
            try must("ip link property add dev \(device) altname \(altname)")
            let before = linkTable(only: device)
            let add = plugin("ADD", conf(altname), netns: ns)
            #expect(add.status == 0, "\(add.stdout)")
            #expect(link("net1", in: ns) != nil)
            #expect(plugin("DEL", conf(altname), netns: ns).status == 0)
            #expect(linkTable(only: device) == before)
            let tooLong = plugin("ADD", conf(altname + "y"), netns: ns)
            #expect(tooLong.code == 7 && tooLong.msg.contains("longer than 127 bytes"), "\(tooLong.stdout)")
            let unknown = plugin("ADD", conf("lc" + String(repeating: "q", count: 20)), netns: ns)
            #expect(unknown.code == 7 && unknown.msg.contains("no host device found"), "\(unknown.stdout)")
        }

        /// A state file with an ifindex past Int32 (before: a trap converting it) or other nonsense: ADD,
        /// CHECK and DEL answer a decode error naming the file and the field.
        @Test func aMalformedStateFileIsAClearError() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let file = Lab.stateDir + "/lctest_c1_net1.json"
            defer { unlink(file) }
            for (field, value) in [("ifindex", "4294967296"), ("mtu", "-1"), ("name", "\"\(String(repeating: "n", count: 40_000))\"")] {
                try """
                    {"version":1,"network":"lctest","containerID":"c1","ifname":"net1","netns":"\(ns)","phase":"added",
                     "device":{"name":"\(device)","ifindex":\(field == "ifindex" ? value : "7"),"up":true,
                     "mtu":\(field == "mtu" ? value : "1500"),"mac":null,"alias":null}}
                    """.replacingOccurrences(of: "\"name\":\"\(device)\"", with: field == "name" ? "\"name\":\(value)" : "\"name\":\"\(device)\"")
                    .write(toFile: file, atomically: true, encoding: .utf8)
                for command in ["ADD", "CHECK", "DEL"] {
                    let config = command == "CHECK" ? conf(device, extra: ",\"prevResult\":{}") : conf(device)
                    let run = plugin(command, config, netns: ns)
                    #expect(!run.crashed && run.status == 1 && run.code == 6, "\(field) \(command): \(run.stdout.prefix(300))")
                    #expect(run.msg.contains("lctest_c1_net1.json") && run.msg.contains(field), "\(field) \(command): \(run.msg.prefix(300))")
                }
            }
            #expect(link(device)?.contains(",UP") == true, "the device never moved")
        }

        /// GC with one attachment whose record is malformed and one that is fine: the fine one is cleaned up,
        /// the bad one reported. Before, GC stopped at the first failure.
        @Test func gcGoesOnPastAFailedEntry() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let (kept, broken, dropped) = (try lab.device(), try lab.device(), try lab.device())
            let (ns1, ns2, ns3) = (try lab.namespace(), try lab.namespace(), try lab.namespace())
            #expect(plugin("ADD", conf(kept), netns: ns1, container: "keep").status == 0)
            #expect(plugin("ADD", conf(broken), netns: ns2, container: "abroken").status == 0)
            #expect(plugin("ADD", conf(dropped), netns: ns3, container: "drop").status == 0)
            let record = Lab.stateDir + "/lctest_abroken_net1.json"
            let good = try String(contentsOfFile: record, encoding: .utf8)
            try good.replacingOccurrences(of: "\"ifindex\":", with: "\"ifindex\":9999999999").write(toFile: record, atomically: true, encoding: .utf8)
            let gc = "{\"cniVersion\":\"1.1.0\",\"name\":\"lctest\",\"type\":\"host-device\",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"net1\"}]}"
            let run = plugin("GC", gc, netns: nil)
            #expect(run.status == 1 && run.msg.contains("could not clean up 1"), "\(run.stdout)")
            #expect(run.details.contains("lctest_abroken_net1.json"), "the failure names the file: \(run.details)")
            #expect(link(dropped)?.contains(",UP") == true, "the entry after the bad one was cleaned up")
            #expect(link("net1", in: ns1) != nil, "the valid attachment stays")
            // Put the record right; DEL then brings the device back.
            try good.write(toFile: record, atomically: true, encoding: .utf8)
            #expect(plugin("DEL", conf(broken), netns: ns2, container: "abroken").status == 0)
            #expect(plugin("DEL", conf(kept), netns: ns1, container: "keep").status == 0)
            #expect(link(broken)?.contains(",UP") == true && link(kept)?.contains(",UP") == true)
            #expect(try stateFiles().isEmpty)
        }
    }
}
