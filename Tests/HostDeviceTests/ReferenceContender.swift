import Foundation
import JSONText
import Testing

/// One plugin a reference case runs: ours, or host-device 1.9.1 beside it on the same inputs. Each runs
/// its IPAM plugins from its own release's directory (Debian bookworm's for ours, forky's for 1.9.1).
struct ReferenceContender: CustomStringConvertible {
    let binary: String
    let cniPath: String
    let isOurs: Bool

    var description: String { isOurs ? "linkcaps-host-device" : "host-device 1.9.1" }

    static let ours = ReferenceContender(binary: pluginPath, cniPath: "/usr/lib/cni", isOurs: true)

    /// Ours, then 1.9.1 when it can be had (without it the reason is printed: the case still runs ours).
    static var all: [ReferenceContender] {
        guard let dir = CurrentReferencePlugin.path else {
            print(CurrentReferencePlugin.unavailable)
            return [ours]
        }
        return [ours, ReferenceContender(binary: dir + "/host-device", cniPath: dir, isOurs: false)]
    }

    /// Runs `body` for each contender, each with a lab of its own, cleaned up after it.
    static func each(_ body: (ReferenceContender, Lab) throws -> Void) throws {
        for who in all {
            let lab = Lab()
            defer { lab.cleanUp() }
            try body(who, lab)
        }
    }

    /// The reference suite's container id is "dummy", its interface eth0 unless a case says otherwise.
    func run(_ command: String, _ config: String, netns: String?, ifname: String = "eth0") -> PluginRun {
        plugin(command, config, netns: netns, ifname: ifname, container: "dummy", binary: binary, env: ["CNI_PATH": cniPath])
    }
}

/// The configurations and observations the reference cases share.
enum ReferenceCase {
    static let network = "cni-plugin-host-device-test"
    static let address = "10.10.0.1/24"

    /// `members` are the selector (and IPAM) members, already JSON.
    static func config(_ version: String, _ members: String = "") -> String {
        "{\"cniVersion\":\"\(version)\",\"name\":\"\(network)\",\"type\":\"host-device\"\(members.isEmpty ? "" : "," + members)}"
    }

    static func device(_ name: String) -> String { "\"device\":\"\(name)\"" }

    /// The reference's static IPAM: one address with a gateway.
    static let staticIPAM = "\"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"\(address)\",\"gateway\":\"10.10.0.254\"}]}"

    static func hasCHECK(_ version: String) -> Bool { !version.hasPrefix("0.3.") }
    static func hasSTATUS(_ version: String) -> Bool { version == "1.1.0" }

    /// The configuration with the ADD result as prevResult (what a runtime sends to CHECK, and to DEL from
    /// 0.4.0 on).
    static func withPrevResult(_ config: String, _ add: PluginRun) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any])
        object["prevResult"] = add.json
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]), as: UTF8.self)
    }

    /// The result lists exactly one interface, {name, mac, sandbox}, as the reference's checks require.
    static func expectInterfaces(_ run: PluginRun, name: String, mac: String?, sandbox: String, _ who: ReferenceContender) {
        let interfaces = run.json["interfaces"] as? [[String: Any]] ?? []
        #expect(interfaces.count == 1, "\(who): \(run.stdout)")
        let only = interfaces.first ?? [:]
        #expect(only.keys.sorted() == ["mac", "name", "sandbox"], "\(who): \(run.stdout)")
        #expect(only["name"] as? String == name && only["mac"] as? String == mac && only["sandbox"] as? String == sandbox,
                "\(who): \(run.stdout)")
    }

    static func mac(_ name: String, in netns: String? = nil) -> String? {
        guard let line = link(name, in: netns), let range = line.range(of: #"link/ether [0-9a-f:]{17}"#, options: .regularExpression) else {
            return nil
        }
        return String(line[range].dropFirst("link/ether ".count))
    }

    static func isUp(_ name: String, in netns: String? = nil) -> Bool {
        link(name, in: netns).map { $0.contains(",UP") || $0.contains("<UP") } ?? false
    }

    static func alias(_ name: String, in netns: String? = nil) -> String? {
        guard let line = link(name, in: netns), let range = line.range(of: #"alias .*$"#, options: .regularExpression) else { return nil }
        return String(line[range].dropFirst("alias ".count)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Nothing but lo in the namespace: what a refused ADD leaves there. (The host's own link table is
    /// not compared: other suites on the machine add and remove links meanwhile.)
    static func onlyLoopback(_ netns: String) -> Bool {
        sh("nsenter --net=\(netns) ip -o link").output.split(separator: "\n").map { $0.split(separator: " ").dropFirst().first } == ["lo:"]
    }

    /// The IPv4 addresses (CIDR) of `name` in the namespace.
    static func addresses(_ name: String, in netns: String) -> [String] {
        sh("nsenter --net=\(netns) ip -o -4 addr show dev \(name)").output.split(separator: "\n").compactMap { line in
            line.split(separator: " ").drop { $0 != "inet" }.dropFirst().first.map(String.init)
        }
    }
}
