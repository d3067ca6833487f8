import Glibc
import Netlink

/// Puts an IPAM result's addresses and routes on the interface in the container, as the reference plugin
/// does (ipam.ConfigureIface), through the container's route socket.
enum AddressConfig {
    static func apply(_ result: JSON, index: Int32, socket: RouteSocket) throws {
        var gateways: [UInt8: [UInt8]] = [:]
        for ip in result["ips"]?.array ?? [] {
            guard let text = ip["address"]?.string, let (family, address, prefix) = parseCIDR(text) else {
                throw CNIError(.decodeFailure, "IPAM gave an invalid address \(ip["address"]?.text ?? "none")")
            }
            try configure(AddressRequest.add(index: index, family: family, address: address, prefixLength: prefix), socket)
            if let gw = ip["gateway"]?.string, let (f, bytes, _) = parseCIDR(gw) { gateways[f] = bytes }
        }
        for route in result["routes"]?.array ?? [] {
            guard let dst = route["dst"]?.string, let (family, address, prefix) = parseCIDR(dst) else {
                throw CNIError(.decodeFailure, "IPAM gave an invalid route \(route.text)")
            }
            let gateway = route["gw"]?.string.flatMap { parseCIDR($0)?.1 } ?? gateways[family]
            try configure(RouteRequest.add(index: index, family: family, destination: address, prefixLength: prefix,
                                           gateway: gateway), socket)
        }
    }

    static func configure(_ request: some NetlinkRequest, _ socket: RouteSocket) throws {
        do {
            try socket.acknowledge(request)
        } catch {
            throw CNIError(.generic, "configuring the IPAM result failed", details: "\(request): \(error)")
        }
    }

    /// "10.1.2.3/24", "fd00::1/64" or a bare address → (family, bytes, prefix length).
    static func parseCIDR(_ text: String) -> (UInt8, [UInt8], UInt8)? {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let host = parts.first else { return nil }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            let prefix = parts.count > 1 ? UInt8(parts[1]) : 32
            guard let prefix, prefix <= 32 else { return nil }
            return (UInt8(AF_INET), withUnsafeBytes(of: v4) { Array($0) }, prefix)
        }
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let prefix = parts.count > 1 ? UInt8(parts[1]) : 128
            guard let prefix, prefix <= 128 else { return nil }
            return (UInt8(AF_INET6), withUnsafeBytes(of: v6) { Array($0) }, prefix)
        }
        return nil
    }
}
