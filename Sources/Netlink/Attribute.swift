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

    func put(into nlh: UnsafeMutablePointer<nlmsghdr>) {
        switch self {
        case .u32(let type, let value):
            mnl_attr_put_u32(nlh, type, value)
        case .s32(let type, let value):
            mnl_attr_put_u32(nlh, type, UInt32(bitPattern: value))
        case .string(let type, let value):
            mnl_attr_put_strz(nlh, type, value)
        case .bytes(let type, let value):
            value.withUnsafeBytes { mnl_attr_put(nlh, type, value.count, $0.baseAddress) }
        case .nested(let type, let header, let children):
            let nest = mnl_attr_nest_start(nlh, type)
            if !header.isEmpty {
                // The fixed header is part of the nest's payload; the attributes follow it aligned.
                let tail = mnl_nlmsg_get_payload_tail(nlh)!
                let padded = Int(lc_nlmsg_align(header.count))
                tail.initializeMemory(as: UInt8.self, repeating: 0, count: padded)
                header.withUnsafeBytes { tail.copyMemory(from: $0.baseAddress!, byteCount: header.count) }
                nlh.pointee.nlmsg_len += UInt32(padded)
            }
            for child in children { child.put(into: nlh) }
            mnl_attr_nest_end(nlh, nest)
        }
    }
}
