import Glibc
import Netlink

/// Puts an IPAM result's addresses and routes on the interface in the container, as the reference plugin
/// does (ipam.ConfigureIface). RTM_NEWADDR / RTM_NEWROUTE are encoded here and sent on the container's
/// route socket; Netlink's typed requests cover links only.
enum AddressConfig {
    static func apply(_ result: JSON, index: Int32, socket: RouteSocket) throws {
        var gateways: [Int32: [UInt8]] = [:]
        for ip in result["ips"]?.array ?? [] {
            guard let text = ip["address"]?.string, let (family, address, prefix) = parseCIDR(text) else {
                throw CNIError(.decodeFailure, "IPAM gave an invalid address \(ip["address"]?.text ?? "none")")
            }
            var body = [family, prefix, 0, 0] + le32(UInt32(bitPattern: index))
            body += attribute(2 /* IFA_LOCAL */, address) + attribute(1 /* IFA_ADDRESS */, address)
            try send(20 /* RTM_NEWADDR */, flags: 0x400 | 0x200 /* EXCL|CREATE */, body, socket)
            if let gw = ip["gateway"]?.string, let (f, bytes, _) = parseCIDR(gw) { gateways[Int32(f)] = bytes }
        }
        for route in result["routes"]?.array ?? [] {
            guard let dst = route["dst"]?.string, let (family, address, prefix) = parseCIDR(dst) else {
                throw CNIError(.decodeFailure, "IPAM gave an invalid route \(route.text)")
            }
            let gateway = route["gw"]?.string.flatMap { parseCIDR($0)?.1 } ?? gateways[Int32(family)]
            // rtmsg: family, dst_len, src_len, tos, table main, protocol boot, scope universe, type unicast, flags.
            var body: [UInt8] = [family, prefix, 0, 0, 254, 3, 0, 1] + le32(0)
            if prefix > 0 { body += attribute(1 /* RTA_DST */, address) }
            if let gateway { body += attribute(5 /* RTA_GATEWAY */, gateway) }
            body += attribute(4 /* RTA_OIF */, le32(UInt32(bitPattern: index)))
            try send(24 /* RTM_NEWROUTE */, flags: 0x400 | 0x200, body, socket)
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

    static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt16(4 + payload.count)
        var bytes = withUnsafeBytes(of: length) { Array($0) } + withUnsafeBytes(of: type) { Array($0) } + payload
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    /// One request with NLM_F_ACK; throws the kernel's errno. The sequence number is one RouteSocket never
    /// uses (it counts from the clock), and only our ACK is read.
    static func send(_ type: UInt16, flags: UInt16, _ body: [UInt8], _ socket: RouteSocket) throws {
        let seq = UInt32.max - UInt32(truncatingIfNeeded: Int(type))
        let total = UInt32(16 + body.count)
        var message = withUnsafeBytes(of: total) { Array($0) } + withUnsafeBytes(of: type) { Array($0) }
        message += withUnsafeBytes(of: UInt16(0x01 | 0x04) | flags) { Array($0) }   // REQUEST | ACK
        message += withUnsafeBytes(of: seq) { Array($0) } + [0, 0, 0, 0] + body
        let fd = socket.fileDescriptor
        // No address: an unconnected netlink socket sends to the kernel (port 0).
        let sent = message.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == message.count else { throw CNIError(.ioFailure, "netlink send: \(Errno.current)") }
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 36 else { throw CNIError(.ioFailure, "netlink recv: \(Errno.current)") }
            var offset = 0
            while offset + 16 <= n {
                let length = Int(buffer.withUnsafeBytes { $0.load(fromByteOffset: offset, as: UInt32.self) })
                let kind = buffer.withUnsafeBytes { $0.load(fromByteOffset: offset + 4, as: UInt16.self) }
                let mseq = buffer.withUnsafeBytes { $0.load(fromByteOffset: offset + 8, as: UInt32.self) }
                if kind == 2 /* NLMSG_ERROR */ && mseq == seq {
                    let code = buffer.withUnsafeBytes { $0.load(fromByteOffset: offset + 16, as: Int32.self) }
                    if code == 0 { return }
                    throw CNIError(.generic, "configuring the IPAM result failed", details: "\(Errno(-code))")
                }
                guard length >= 16 else { break }
                offset += (length + 3) & ~3
            }
        }
    }
}
