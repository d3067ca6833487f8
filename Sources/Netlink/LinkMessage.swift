import CMnl
import CShims
import Glibc

/// A link as the kernel described it in an RTM_NEWLINK or RTM_DELLINK (a reply or an event).
public struct LinkMessage: Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case new = "NEWLINK", del = "DELLINK" }

    public var kind: Kind
    public var index: Int32
    public var flags: UInt32
    public var name: String?
    public var altNames: [String] = []
    public var alias: String?
    public var linkKind: String?
    public var mtu: UInt32?
    public var address: [UInt8]?
    /// On an RTM_DELLINK caused by a move: the target namespace's id as seen from the source, if any.
    public var newNetnsID: Int32?
    /// On an RTM_DELLINK caused by a move: the link's ifindex in the target.
    public var newIfindex: Int32?
    /// IFLA_NETNS_IMMUTABLE (v6.15+): whether the kernel says this link can never change namespace; nil when
    /// the kernel does not report it.
    public var netnsImmutable: Bool?

    public init(kind: Kind, index: Int32, flags: UInt32, name: String?) {
        self.kind = kind
        self.index = index
        self.flags = flags
        self.name = name
    }

    public var isUp: Bool { flags & upFlag != 0 }

    public var macAddress: String? { address.map { hexBytes($0, separator: UInt8(ascii: ":")) } }

    /// Parses a link message; nil for messages that are not RTM_NEWLINK / RTM_DELLINK.
    public init?(_ nlh: UnsafePointer<nlmsghdr>) {
        let type = Int(nlh.pointee.nlmsg_type)
        guard type == Int(RTM_NEWLINK) || type == Int(RTM_DELLINK) else { return nil }
        let headerSize = MemoryLayout<ifinfomsg>.size
        guard Int(nlh.pointee.nlmsg_len) >= MemoryLayout<nlmsghdr>.size + headerSize else { return nil }
        let mutable = UnsafeMutablePointer(mutating: nlh)
        let ifm = mnl_nlmsg_get_payload(mutable)!.assumingMemoryBound(to: ifinfomsg.self).pointee
        self.init(kind: type == Int(RTM_NEWLINK) ? .new : .del, index: ifm.ifi_index, flags: ifm.ifi_flags,
                  name: nil)
        var attr = lc_attr_first(mutable, headerSize)
        while let current = attr, lc_attr_valid(current, mutable) {
            read(current)
            attr = mnl_attr_next(current)
        }
    }

    private mutating func read(_ attr: UnsafeMutablePointer<nlattr>) {
        switch Int(lc_attr_type(attr)) {
        case Int(IFLA_IFNAME): name = Self.string(attr)
        case Int(IFLA_IFALIAS): alias = Self.string(attr)
        case Int(IFLA_MTU): mtu = Self.u32(attr)
        case Int(IFLA_NEW_NETNSID): newNetnsID = Self.u32(attr).map { Int32(bitPattern: $0) }
        case Int(IFLA_NEW_IFINDEX): newIfindex = Self.u32(attr).map { Int32(bitPattern: $0) }
        case Int(linkAttributeNetnsImmutable): netnsImmutable = Self.u8(attr).map { $0 != 0 }
        case Int(IFLA_ADDRESS):
            let length = Int(mnl_attr_get_payload_len(attr))
            let payload = mnl_attr_get_payload(attr)!
            address = Array(UnsafeRawBufferPointer(start: payload, count: length))
        case Int(IFLA_PROP_LIST):
            forEachNested(attr) { child in
                if Int(lc_attr_type(child)) == Int(IFLA_ALT_IFNAME), let alt = Self.string(child) {
                    altNames.append(alt)
                }
            }
        case Int(IFLA_LINKINFO):
            forEachNested(attr) { child in
                if Int(lc_attr_type(child)) == Int(IFLA_INFO_KIND) { linkKind = Self.string(child) }
            }
        default: break
        }
    }

    private func forEachNested(_ nest: UnsafeMutablePointer<nlattr>, _ body: (UnsafeMutablePointer<nlattr>) -> Void) {
        var child = lc_nested_first(nest)
        while let current = child, lc_nested_valid(current, nest) {
            body(current)
            child = mnl_attr_next(current)
        }
    }

    /// A string attribute's text up to its NUL, never past the attribute's own length.
    static func string(_ attr: UnsafeMutablePointer<nlattr>) -> String? {
        let length = Int(mnl_attr_get_payload_len(attr))
        guard length > 0, let payload = mnl_attr_get_payload(attr) else { return length == 0 ? "" : nil }
        let bytes = UnsafeRawBufferPointer(start: payload, count: length)
        let end = bytes.firstIndex(of: 0) ?? length
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    private static func u8(_ attr: UnsafeMutablePointer<nlattr>) -> UInt8? {
        guard mnl_attr_get_payload_len(attr) >= 1 else { return nil }
        return mnl_attr_get_u8(attr)
    }

    private static func u32(_ attr: UnsafeMutablePointer<nlattr>) -> UInt32? {
        guard mnl_attr_get_payload_len(attr) >= 4 else { return nil }
        return mnl_attr_get_u32(attr)
    }
}

extension LinkMessage {
    /// Parses every link message in a datagram (as captured from a socket).
    public static func parseAll(_ bytes: [UInt8]) -> [LinkMessage] {
        var result: [LinkMessage] = []
        let buffer = MessageBuffer(size: max(bytes.count, 16))
        bytes.withUnsafeBytes { buffer.base.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        var remaining = Int32(bytes.count)
        var nlh: UnsafePointer<nlmsghdr>? = UnsafePointer(buffer.base.assumingMemoryBound(to: nlmsghdr.self))
        while let current = nlh, lc_nlmsg_ok(current, remaining) {
            if let message = LinkMessage(current) { result.append(message) }
            nlh = UnsafePointer(mnl_nlmsg_next(current, &remaining))
        }
        return result
    }
}

/// IFLA_NETNS_IMMUTABLE, a u8 that rtnl_fill_ifinfo puts in every link message since 4754affe0b57 (v6.15):
/// 67 in include/uapi/linux/if_link.h (after IFLA_MAX_PACING_OFFLOAD_HORIZON, 66). Defined here because the
/// build machine's kernel headers (6.1) predate it.
public let linkAttributeNetnsImmutable: UInt16 = 67

/// IFF_UP as the ifinfomsg flags carry it.
public let upFlag = UInt32(IFF_UP)
