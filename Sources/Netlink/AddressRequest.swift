import CMnl
import CShims
import Glibc

/// RTM_NEWADDR: an IPv4 or IPv6 address on a link (for the plugin's IPAM results in the container).
public struct AddressRequest: NetlinkRequest, Equatable {
    public var messageType: UInt16
    public var flags: UInt16
    public var family: UInt8
    public var prefixLength: UInt8
    public var index: Int32
    public var address: [UInt8]

    /// Adds `address`/`prefixLength` to the link; EEXIST if it is already there.
    public static func add(index: Int32, family: UInt8, address: [UInt8], prefixLength: UInt8) -> AddressRequest {
        AddressRequest(messageType: UInt16(RTM_NEWADDR), flags: UInt16(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL),
                       family: family, prefixLength: prefixLength, index: index, address: address)
    }

    public func encode(seq: UInt32, portID: UInt32, into buffer: UnsafeMutableRawPointer, capacity: Int)
        throws(NetlinkError) -> Int
    {
        let (message, ifa) = try putHeaders(buffer, capacity: capacity, type: messageType, flags: flags, seq: seq,
                                            portID: portID, family: ifaddrmsg.self)
        ifa.pointee.ifa_family = family
        ifa.pointee.ifa_prefixlen = prefixLength
        ifa.pointee.ifa_index = UInt32(bitPattern: index)
        // IFA_LOCAL is the address itself; IFA_ADDRESS the peer, equal to it on a broadcast link.
        try Attribute.bytes(UInt16(IFA_LOCAL), address).put(into: message)
        try Attribute.bytes(UInt16(IFA_ADDRESS), address).put(into: message)
        return message.length
    }

    public var description: String {
        "\(MessageType.name(messageType)) ifindex=\(index) \(IPAddressText.format(address))/\(prefixLength)"
    }
}

/// RTM_NEWROUTE: a unicast route in the main table through a link, with an optional gateway.
public struct RouteRequest: NetlinkRequest, Equatable {
    public var messageType: UInt16
    public var flags: UInt16
    public var family: UInt8
    public var index: Int32
    public var destination: [UInt8]
    public var prefixLength: UInt8
    public var gateway: [UInt8]?

    public static func add(index: Int32, family: UInt8, destination: [UInt8], prefixLength: UInt8,
                           gateway: [UInt8]?) -> RouteRequest {
        RouteRequest(messageType: UInt16(RTM_NEWROUTE), flags: UInt16(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL),
                     family: family, index: index, destination: destination, prefixLength: prefixLength, gateway: gateway)
    }

    public func encode(seq: UInt32, portID: UInt32, into buffer: UnsafeMutableRawPointer, capacity: Int)
        throws(NetlinkError) -> Int
    {
        let (message, rtm) = try putHeaders(buffer, capacity: capacity, type: messageType, flags: flags, seq: seq,
                                            portID: portID, family: rtmsg.self)
        rtm.pointee.rtm_family = family
        rtm.pointee.rtm_dst_len = prefixLength
        rtm.pointee.rtm_table = UInt8(RT_TABLE_MAIN.rawValue)
        rtm.pointee.rtm_protocol = UInt8(RTPROT_BOOT)
        rtm.pointee.rtm_scope = UInt8(RT_SCOPE_UNIVERSE.rawValue)
        rtm.pointee.rtm_type = UInt8(RTN_UNICAST)
        // A default route (prefix 0) carries no destination.
        if prefixLength > 0 { try Attribute.bytes(UInt16(RTA_DST.rawValue), destination).put(into: message) }
        if let gateway { try Attribute.bytes(UInt16(RTA_GATEWAY.rawValue), gateway).put(into: message) }
        try Attribute.u32(UInt16(RTA_OIF.rawValue), UInt32(bitPattern: index)).put(into: message)
        return message.length
    }

    public var description: String {
        var text = "\(MessageType.name(messageType)) \(IPAddressText.format(destination))/\(prefixLength)"
        if let gateway { text += " via \(IPAddressText.format(gateway))" }
        return text + " oif=\(index)"
    }
}

/// Addresses as text for evidence and errors (inet_ntop).
enum IPAddressText {
    static func format(_ bytes: [UInt8]) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) } != nil
        return ok ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : hexBytes(bytes, separator: nil)
    }
}
