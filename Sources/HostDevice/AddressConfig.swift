import Glibc
import JSONText
import Netlink

/// Puts an IPAM result's addresses and routes on the interface in the container, as the reference plugin
/// does (ipam.ConfigureIface), through the container's route socket.
enum AddressConfig {
    static func apply(_ result: JSON, index: Int32, socket: RouteSocket) throws {
        for request in try requests(result, index: index) { try configure(request, socket) }
    }

    /// The addresses, then the routes, of an IPAM result as requests (pure: checked without a socket).
    static func requests(_ result: JSON, index: Int32) throws(CNIError) -> [any NetlinkRequest] {
        var requests: [any NetlinkRequest] = []
        var gateways: [UInt8: [UInt8]] = [:]
        for ip in result["ips"]?.array ?? [] {
            guard let text = ip["address"]?.string, let (family, address, prefix) = parseCIDR(text) else {
                throw CNIError(.decodeFailure, "IPAM gave an invalid address \(InputCheck.shown(ip["address"]?.text ?? "none"))")
            }
            requests.append(AddressRequest.add(index: index, family: family, address: address, prefixLength: prefix))
            if let gw = ip["gateway"]?.string {
                guard let (f, bytes, _) = parseCIDR(gw), f == family else {
                    throw CNIError(.decodeFailure, "IPAM gave an invalid gateway \(InputCheck.shown(gw)) for \(text)")
                }
                gateways[f] = bytes
            }
        }
        for route in result["routes"]?.array ?? [] {
            guard let dst = route["dst"]?.string, let (family, address, prefix) = parseCIDR(dst) else {
                throw CNIError(.decodeFailure, "IPAM gave an invalid route \(InputCheck.shown(route.text))")
            }
            var gateway = gateways[family]
            if let gw = route["gw"]?.string {
                guard let (f, bytes, _) = parseCIDR(gw), f == family else {
                    throw CNIError(.decodeFailure, "IPAM gave an invalid gateway \(InputCheck.shown(gw)) for the route to \(dst)")
                }
                gateway = bytes
            }
            requests.append(RouteRequest.add(index: index, family: family, destination: address, prefixLength: prefix,
                                             gateway: gateway))
        }
        return requests
    }

    static func configure(_ request: any NetlinkRequest, _ socket: RouteSocket) throws {
        do {
            try socket.acknowledge(request)
        } catch {
            throw CNIError(.generic, "configuring the IPAM result failed", details: "\(request): \(error)")
        }
    }

    /// "10.1.2.3/24", "fd00::1/64" or a bare address → (family, bytes, prefix length). The prefix is 1…3
    /// plain digits within the family's width; text with a NUL is refused (inet_pton would stop there).
    static func parseCIDR(_ text: String) -> (UInt8, [UInt8], UInt8)? {
        guard !text.utf8.contains(0) else { return nil }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let host = parts.first else { return nil }
        var prefix: Int?
        if parts.count > 1 {
            guard (1...3).contains(parts[1].utf8.count), parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            prefix = Int(parts[1])
        }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1, (prefix ?? 32) <= 32 {
            return (UInt8(AF_INET), withUnsafeBytes(of: v4) { Array($0) }, UInt8(prefix ?? 32))
        }
        if inet_pton(AF_INET6, host, &v6) == 1, (prefix ?? 128) <= 128 {
            return (UInt8(AF_INET6), withUnsafeBytes(of: v6) { Array($0) }, UInt8(prefix ?? 128))
        }
        return nil
    }
}
