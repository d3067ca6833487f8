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
    var mtu: Int = 0
    var address: String = ""
}

enum Witness {
    static func path(_ namespace: NetworkNamespace) -> String { "/proc/\(getpid())/fd/\(namespace.fd)" }

    static func ip(_ arguments: [String], in namespace: NetworkNamespace) throws -> Subprocess {
        try Subprocess.run(["nsenter", "--net=\(path(namespace))", "ip"] + arguments)
    }

    static func links(in namespace: NetworkNamespace) throws -> [WitnessedLink] {
        let result = try ip(["-j", "link", "show"], in: namespace)
        guard result.status == 0 else { throw WitnessError.failed(result.stderr) }
        return try parse(result.stdout)
    }

    /// `ip link show dev NAME`: iproute2 resolves NAME as a name or an altname (RTM_GETLINK with
    /// IFLA_ALT_IFNAME when it is longer than IFNAMSIZ); nil when the namespace says it does not exist.
    static func resolve(_ name: String, in namespace: NetworkNamespace) throws -> WitnessedLink? {
        let result = try ip(["-j", "link", "show", "dev", name], in: namespace)
        if result.status != 0 {
            guard result.stderr.contains("does not exist") else { throw WitnessError.failed(result.stderr) }
            return nil
        }
        return try parse(result.stdout).first
    }

    /// IFLA_NETNS_IMMUTABLE of `lo` as the namespace's kernel reports it, read by a few lines of Python over a
    /// raw rtnetlink socket (iproute2 6.1 predates the attribute): "1", "0" or "absent".
    static func netnsImmutableOfLoopback(in namespace: NetworkNamespace) throws -> String {
        let result = try Subprocess.run(["nsenter", "--net=\(path(namespace))", "python3", "-c", rawGetLinkScript])
        guard result.status == 0 else { throw WitnessError.failed(result.stderr) }
        return result.stdout.trimmingCharacters(in: ["\n"])
    }

    static let rawGetLinkScript = """
        import socket, struct
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        index = socket.if_nametoindex("lo")
        body = struct.pack("BxHiII", 0, 0, index, 0, 0)
        s.send(struct.pack("IHHII", 16 + len(body), 18, 1, 1, 0) + body)
        data = s.recv(65536)
        length, kind = struct.unpack_from("IH", data, 0)
        assert kind == 16, kind
        offset, found = 32, "absent"
        while offset + 4 <= length:
            size, atype = struct.unpack_from("HH", data, offset)
            if size < 4: break
            if atype & 0x3fff == 67: found = str(data[offset + 4])
            offset += (size + 3) & ~3
        print(found)
        """

    static func parse(_ json: String) throws -> [WitnessedLink] {
        let array = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return array.map { entry in
            WitnessedLink(index: entry["ifindex"] as? Int ?? -1, name: entry["ifname"] as? String ?? "",
                          up: (entry["flags"] as? [String] ?? []).contains("UP"),
                          altNames: entry["altnames"] as? [String] ?? [], mtu: entry["mtu"] as? Int ?? 0,
                          address: entry["address"] as? String ?? "")
        }
    }

    static func link(_ name: String, in namespace: NetworkNamespace) throws -> WitnessedLink? {
        try links(in: namespace).first { $0.name == name }
    }
}

enum WitnessError: Error { case failed(String) }
