import CMnl
import CShims

/// One netlink attribute of a request, before encoding.
public indirect enum Attribute: Equatable, Sendable {
    case u32(UInt16, UInt32)
    case s32(UInt16, Int32)
    case string(UInt16, String)
    case bytes(UInt16, [UInt8])
    /// A nest whose payload starts with a fixed header (VETH_INFO_PEER carries an ifinfomsg).
    case nested(UInt16, header: [UInt8] = [], [Attribute])

    public var type: UInt16 {
        switch self {
        case .u32(let t, _), .s32(let t, _), .string(let t, _), .bytes(let t, _), .nested(let t, _, _): return t
        }
    }

    /// Appends the attribute, refusing (before writing) anything that would pass the message's capacity,
    /// and strings with a NUL inside: C would cut them there and the kernel would act on another name.
    func put(into message: RequestMessage) throws(NetlinkError) {
        let nlh = message.nlh, capacity = message.capacity
        switch self {
        case .u32(let type, let value):
            guard mnl_attr_put_u32_check(nlh, capacity, type, value) else { throw message.tooLong("a u32 attribute") }
        case .s32(let type, let value):
            guard mnl_attr_put_u32_check(nlh, capacity, type, UInt32(bitPattern: value)) else {
                throw message.tooLong("an s32 attribute")
            }
        case .string(let type, let value):
            guard !value.utf8.contains(0) else {
                throw NetlinkError(errno: .invalidArgument, extack: "a string attribute (type \(type)) contains a NUL byte",
                                   operation: MessageType.name(nlh.pointee.nlmsg_type) + " encode")
            }
            guard mnl_attr_put_strz_check(nlh, capacity, type, value) else {
                throw message.tooLong("a string attribute (type \(type)) of \(value.utf8.count) bytes")
            }
        case .bytes(let type, let value):
            let fits = value.withUnsafeBytes { mnl_attr_put_check(nlh, capacity, type, value.count, $0.baseAddress) }
            guard fits else { throw message.tooLong("an attribute (type \(type)) of \(value.count) bytes") }
        case .nested(let type, let header, let children):
            guard let nest = mnl_attr_nest_start_check(nlh, capacity, type) else {
                throw message.tooLong("a nest (type \(type))")
            }
            if !header.isEmpty {
                // The fixed header is part of the nest's payload; the attributes follow it aligned.
                let padded = Int(lc_nlmsg_align(header.count))
                guard message.length + padded <= capacity else { throw message.tooLong("a nest header") }
                let tail = mnl_nlmsg_get_payload_tail(nlh)!
                tail.initializeMemory(as: UInt8.self, repeating: 0, count: padded)
                header.withUnsafeBytes { tail.copyMemory(from: $0.baseAddress!, byteCount: header.count) }
                nlh.pointee.nlmsg_len += UInt32(padded)
            }
            for child in children { try child.put(into: message) }
            mnl_attr_nest_end(nlh, nest)
        }
    }
}

/// What the kernel accepts for a link's names (IFNAMSIZ, ALTIFNAMSIZ and IFALIASZ, less the NUL) and
/// address (MAX_ADDR_LEN). Callers check input against these before building a request, so that an
/// overlong name is refused by name rather than by the kernel's EINVAL.
public enum LinkLimit {
    public static let name = 15
    public static let altName = 127
    public static let alias = 255
    public static let address = 32
}
