import Foundation
import JSONText
import Synchronization
import Testing

/// Each bad input gets its CNI code and a message saying what is wrong, and nothing changes: the device
/// and both namespaces look exactly as before.
extension Privileged {
    @Suite(.serialized) struct BadInputTests {
        struct Case: Sendable {
            var label: String
            var command = "ADD"
            var config: @Sendable (String) -> String = { conf($0) }
            var netns: @Sendable (String) -> String? = { $0 }
            var ifname = "net1"
            var unset: [String] = []
            var code: Int
            var message: String
            var prepare: @Sendable (Lab, String, String) -> Void = { _, _, _ in }
        }

        static let cases: [Case] = [
            Case(label: "malformed JSON", config: { _ in "{\"cniVersion\":" }, code: 6, message: "not valid JSON"),
            Case(label: "empty stdin", config: { _ in "" }, code: 6, message: "empty"),
            Case(label: "no cniVersion", config: { "{\"name\":\"lctest\",\"type\":\"host-device\",\"device\":\"\($0)\"}" },
                 code: 1, message: "no cniVersion"),
            Case(label: "unsupported cniVersion", config: { conf($0, version: "0.2.0") }, code: 1, message: "incompatible"),
            Case(label: "no selector", config: { _ in "{\"cniVersion\":\"1.0.0\",\"name\":\"lctest\",\"type\":\"host-device\"}" },
                 code: 7, message: "specify one of"),
            Case(label: "unknown device", config: { _ in conf("lctnosuch0") }, code: 7, message: "no host device found"),
            Case(label: "selectors disagree", config: { conf($0, extra: ",\"hwaddr\":\"02:00:00:00:00:01\"") }, code: 7,
                 message: "different devices"),
            Case(label: "CNI_NETNS missing", netns: { _ in nil }, code: 4, message: "CNI_NETNS is not set"),
            Case(label: "CNI_NETNS not a netns", netns: { _ in "/tmp" }, code: 4, message: "not a network namespace"),
            Case(label: "CNI_NETNS is the host", netns: { _ in "/proc/self/ns/net" }, code: 4, message: "host's own"),
            Case(label: "CNI_IFNAME empty", ifname: "", code: 4, message: "CNI_IFNAME"),
            Case(label: "CNI_IFNAME too long", ifname: "abcdefghijklmnop", code: 4, message: "longer than 15"),
            Case(label: "CNI_IFNAME with /", ifname: "a/b", code: 4, message: "contains"),
            Case(label: "CNI_IFNAME with :", ifname: "a:b", code: 4, message: "contains"),
            Case(label: "CNI_IFNAME with space", ifname: "a b", code: 4, message: "contains"),
            Case(label: "ifname used in container", code: 4, message: "already used in the container",
                 prepare: { _, _, ns in sh("nsenter --net=\(ns) ip link add net1 type veth peer name lcq0") }),
            Case(label: "unknown command", command: "FROB", code: 4, message: "unknown CNI_COMMAND"),
            Case(label: "CNI_COMMAND missing", unset: ["CNI_COMMAND"], code: 4, message: "CNI_COMMAND is not set"),
            Case(label: "CNI_CONTAINERID missing", unset: ["CNI_CONTAINERID"], code: 4, message: "CNI_CONTAINERID"),
            Case(label: "unknown strategy", config: { conf($0, extra: ",\"strategy\":\"teleport\"") }, code: 7,
                 message: "unknown strategy"),
        ]

        @Test func eachBadInputGetsItsCodeAndChangesNothing() throws {
            for c in Self.cases {
                let lab = Lab()
                defer { lab.cleanUp() }
                let device = try lab.device()
                let ns = try lab.namespace()
                c.prepare(lab, device, ns)
                let hostBefore = linkTable(only: device), nsBefore = linkTable(ns)
                var env: [String: String] = ["CNI_COMMAND": c.command]
                for name in c.unset { env[name] = "" }
                let run = plugin(c.command, c.config(device), netns: c.netns(ns), ifname: c.ifname, env: env)
                #expect(run.status == 1, "\(c.label): exit \(run.status)")
                #expect(run.code == c.code, "\(c.label): \(run.stdout)")
                #expect(run.msg.contains(c.message), "\(c.label): \(run.msg)")
                #expect(hostBefore.contains(device), "\(c.label): the filter sees the device")
                #expect(linkTable(only: device) == hostBefore, "\(c.label): the host changed")
                #expect(linkTable(ns) == nsBefore, "\(c.label): the container changed")
            }
        }

        @Test func deviceAttachedElsewhereAndRacingAdds() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let (ns1, ns2) = (try lab.namespace(), try lab.namespace())
            let collected = Mutex<[PluginRun]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let run = plugin("ADD", conf(device), netns: i == 0 ? ns1 : ns2, container: "race\(i)")
                collected.withLock { $0.append(run) }
            }
            let results = collected.withLock { $0 }
            #expect(results.filter { $0.status == 0 }.count == 1, "\(results.map(\.stdout))")
            let loser = results.first { $0.status != 0 }
            #expect(loser?.code == 7 && loser?.msg.contains("already attached") == true, "\(loser?.stdout ?? "")")
            for (i, ns) in [ns1, ns2].enumerated() {
                #expect(plugin("DEL", conf(device), netns: ns, container: "race\(i)").status == 0)
            }
            #expect(link(device)?.contains(",UP") == true, "the device is back in the host, UP")
        }
    }
}
