import CMnl
import CShims
import Glibc

/// An rtnetlink link request (RTM_*LINK, RTM_*LINKPROP): header fields plus attributes, encoded on send.
public struct LinkRequest: NetlinkRequest, Equatable {
    public var messageType: UInt16
    public var flags: UInt16
    public var index: Int32
    public var ifFlags: UInt32
    public var ifChange: UInt32
    public var attributes: [Attribute]

    public init(messageType: UInt16, flags: UInt16, index: Int32 = 0, ifFlags: UInt32 = 0, ifChange: UInt32 = 0,
                attributes: [Attribute] = []) {
        self.messageType = messageType
        self.flags = flags
        self.index = index
        self.ifFlags = ifFlags
        self.ifChange = ifChange
        self.attributes = attributes
    }

    /// Encodes the request into `buffer` (NLMSG_ALIGNTO-aligned, `capacity` bytes); returns its length.
    public func encode(seq: UInt32, portID: UInt32, into buffer: UnsafeMutableRawPointer, capacity: Int)
        throws(NetlinkError) -> Int
    {
        let (message, ifm) = try putHeaders(buffer, capacity: capacity, type: messageType, flags: flags, seq: seq,
                                            portID: portID, family: ifinfomsg.self)
        ifm.pointee.ifi_family = UInt8(AF_UNSPEC)
        ifm.pointee.ifi_index = index
        ifm.pointee.ifi_flags = ifFlags
        ifm.pointee.ifi_change = ifChange
        for attribute in attributes { try attribute.put(into: message) }
        return message.length
    }
}

// MARK: - The requests linkcaps sends

extension LinkRequest {
    static let requestACK = UInt16(NLM_F_REQUEST | NLM_F_ACK)

    /// Creates a virtual link (dummy, veth with its peer, ifb, ...) in the socket's namespace.
    public static func create(name: String, kind: String, peerName: String? = nil, up: Bool = false) -> LinkRequest {
        var info: [Attribute] = [.string(UInt16(IFLA_INFO_KIND), kind)]
        if let peerName {
            // VETH_INFO_PEER holds an ifinfomsg for the peer, then the peer's attributes.
            let peerHeader = [UInt8](repeating: 0, count: MemoryLayout<ifinfomsg>.size)
            info.append(.nested(UInt16(IFLA_INFO_DATA), [
                .nested(UInt16(VETH_INFO_PEER), header: peerHeader, [.string(UInt16(IFLA_IFNAME), peerName)]),
            ]))
        }
        return LinkRequest(
            messageType: UInt16(RTM_NEWLINK),
            flags: requestACK | UInt16(NLM_F_CREATE | NLM_F_EXCL),
            ifFlags: up ? upFlag : 0, ifChange: up ? upFlag : 0,
            attributes: [.string(UInt16(IFLA_IFNAME), name), .nested(UInt16(IFLA_LINKINFO), info)])
    }

    /// Changes an existing link selected by index: in one request, any of namespace, name, flags, alias,
    /// MTU, address and (with a move) the ifindex in the target. No NLM_F_CREATE/EXCL: with them the
    /// kernel would look the device up in the target namespace.
    public static func change(
        index: Int32, messageType: UInt16 = UInt16(RTM_NEWLINK), netnsFD: Int32? = nil, name: String? = nil,
        up: Bool? = nil, alias: String? = nil, mtu: UInt32? = nil, address: [UInt8]? = nil,
        newIfindex: Int32? = nil
    ) -> LinkRequest {
        var attributes: [Attribute] = []
        if let netnsFD { attributes.append(.u32(UInt16(IFLA_NET_NS_FD), UInt32(bitPattern: netnsFD))) }
        if let newIfindex { attributes.append(.s32(UInt16(IFLA_NEW_IFINDEX), newIfindex)) }
        if let name { attributes.append(.string(UInt16(IFLA_IFNAME), name)) }
        if let alias { attributes.append(.string(UInt16(IFLA_IFALIAS), alias)) }
        if let mtu { attributes.append(.u32(UInt16(IFLA_MTU), mtu)) }
        if let address { attributes.append(.bytes(UInt16(IFLA_ADDRESS), address)) }
        return LinkRequest(
            messageType: messageType, flags: requestACK, index: index,
            ifFlags: up == true ? upFlag : 0, ifChange: up == nil ? 0 : upFlag, attributes: attributes)
    }

    public static func delete(index: Int32) -> LinkRequest {
        LinkRequest(messageType: UInt16(RTM_DELLINK), flags: requestACK, index: index)
    }

    public static func get(index: Int32) -> LinkRequest {
        LinkRequest(messageType: UInt16(RTM_GETLINK), flags: requestACK, index: index)
    }

    public static func get(name: String) -> LinkRequest {
        LinkRequest(messageType: UInt16(RTM_GETLINK), flags: requestACK,
                    attributes: [.string(UInt16(IFLA_IFNAME), name)])
    }

    /// Looks a link up by one of its alternative names (the kernel resolves IFLA_ALT_IFNAME, v5.5+).
    public static func get(altName: String) -> LinkRequest {
        LinkRequest(messageType: UInt16(RTM_GETLINK), flags: requestACK,
                    attributes: [.string(UInt16(IFLA_ALT_IFNAME), altName)])
    }

    public static func dump() -> LinkRequest {
        LinkRequest(messageType: UInt16(RTM_GETLINK), flags: UInt16(NLM_F_REQUEST | NLM_F_DUMP))
    }

    public static func addAltName(index: Int32, _ altName: String) -> LinkRequest {
        LinkRequest(messageType: UInt16(RTM_NEWLINKPROP),
                    flags: requestACK | UInt16(NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND), index: index,
                    attributes: [.nested(UInt16(IFLA_PROP_LIST), [.string(UInt16(IFLA_ALT_IFNAME), altName)])])
    }

    public static func deleteAltName(index: Int32, _ altName: String) -> LinkRequest {
        LinkRequest(messageType: UInt16(RTM_DELLINKPROP), flags: requestACK, index: index,
                    attributes: [.nested(UInt16(IFLA_PROP_LIST), [.string(UInt16(IFLA_ALT_IFNAME), altName)])])
    }
}

// MARK: - A readable form, for evidence

extension LinkRequest: CustomStringConvertible {
    public var description: String {
        var parts = [MessageType.name(messageType)]
        if index != 0 { parts.append("ifindex=\(index)") }
        if ifChange & upFlag != 0 {
            parts.append(ifFlags & upFlag != 0 ? "IFF_UP" : "~IFF_UP")
        }
        for attribute in attributes { parts.append(Self.describe(attribute)) }
        return parts.joined(separator: " ")
    }

    private static func describe(_ attribute: Attribute) -> String {
        switch attribute {
        case .u32(let type, let value) where type == UInt16(IFLA_NET_NS_FD):
            _ = value
            return "IFLA_NET_NS_FD"
        case .u32(let type, let value): return "\(AttributeName.link(type))=\(value)"
        case .s32(let type, let value): return "\(AttributeName.link(type))=\(value)"
        case .string(let type, let value): return "\(AttributeName.link(type))=\(value)"
        case .bytes(let type, let value): return "\(AttributeName.link(type))=" + hexBytes(value, separator: UInt8(ascii: ":"))
        case .nested(let type, _, let children):
            if type == UInt16(IFLA_LINKINFO), case .string(_, let kind)? = children.first {
                return "IFLA_LINKINFO(kind=\(kind))"
            }
            return "\(AttributeName.link(type))(" + children.map(describe).joined(separator: " ") + ")"
        }
    }
}

func hex2(_ byte: UInt8) -> String { hexBytes([byte], separator: nil) }

/// Bytes as lowercase hex digits, `separator` between bytes ("0a:1b:2c"). Built as UTF-8 in one buffer: the
/// plugin formats every link's MAC while it selects a device, and a String per digit pair, joined, cost it
/// about 0.3 M instructions per ADD (callgrind).
func hexBytes(_ bytes: [UInt8], separator: UInt8?) -> String {
    let digits: StaticString = "0123456789abcdef"
    let width = separator == nil ? 2 : 3
    let count = bytes.isEmpty ? 0 : bytes.count * width - (width - 2)
    return String(unsafeUninitializedCapacity: count) { out in
        digits.withUTF8Buffer { hex in
            var at = 0
            for (i, byte) in bytes.enumerated() {
                if i > 0, let separator { out[at] = separator; at += 1 }
                out[at] = hex[Int(byte >> 4)]
                out[at + 1] = hex[Int(byte & 0xf)]
                at += 2
            }
        }
        return count
    }
}

enum AttributeName {
    static func link(_ type: UInt16) -> String {
        switch Int(type) {
        case Int(IFLA_ADDRESS): return "IFLA_ADDRESS"
        case Int(IFLA_IFNAME): return "IFLA_IFNAME"
        case Int(IFLA_MTU): return "IFLA_MTU"
        case Int(IFLA_LINKINFO): return "IFLA_LINKINFO"
        case Int(IFLA_NET_NS_FD): return "IFLA_NET_NS_FD"
        case Int(IFLA_IFALIAS): return "IFLA_IFALIAS"
        case Int(IFLA_NEW_IFINDEX): return "IFLA_NEW_IFINDEX"
        case Int(IFLA_PROP_LIST): return "IFLA_PROP_LIST"
        case Int(IFLA_ALT_IFNAME): return "IFLA_ALT_IFNAME"
        case Int(linkAttributeNetnsImmutable): return "IFLA_NETNS_IMMUTABLE"
        default: return "IFLA_\(type)"
        }
    }
}

public enum MessageType {
    public static func name(_ type: UInt16) -> String {
        switch Int(type) {
        case Int(RTM_NEWLINK): return "RTM_NEWLINK"
        case Int(RTM_DELLINK): return "RTM_DELLINK"
        case Int(RTM_GETLINK): return "RTM_GETLINK"
        case Int(RTM_SETLINK): return "RTM_SETLINK"
        case Int(RTM_NEWLINKPROP): return "RTM_NEWLINKPROP"
        case Int(RTM_DELLINKPROP): return "RTM_DELLINKPROP"
        case Int(RTM_NEWADDR): return "RTM_NEWADDR"
        case Int(RTM_NEWROUTE): return "RTM_NEWROUTE"
        default: return "RTM_\(type)"
        }
    }
}
