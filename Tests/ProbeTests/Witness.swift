import TestSupport
import Foundation
import Namespaces

/// An independent witness of what a namespace holds: iproute2, run inside it with nsenter, so that the
/// probe's conclusions are checked against the kernel rather than against our own parser.
struct WitnessedLink {
    var index: Int
    var name: String
    var up: Bool
    var altNames: [String]
}

enum Witness {
    static func links(in namespace: NetworkNamespace) throws -> [WitnessedLink] {
        let path = "/proc/\(getpid())/fd/\(namespace.fd)"
        let result = try Subprocess.run(["nsenter", "--net=\(path)", "ip", "-j", "link", "show"])
        guard result.status == 0 else { throw WitnessError.failed(result.stderr) }
        let array = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return array.map { entry in
            WitnessedLink(index: entry["ifindex"] as? Int ?? -1, name: entry["ifname"] as? String ?? "",
                          up: (entry["flags"] as? [String] ?? []).contains("UP"),
                          altNames: entry["altnames"] as? [String] ?? [])
        }
    }

    static func link(_ name: String, in namespace: NetworkNamespace) throws -> WitnessedLink? {
        try links(in: namespace).first { $0.name == name }
    }
}

enum WitnessError: Error { case failed(String) }
