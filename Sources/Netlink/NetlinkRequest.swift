import CMnl
import CShims

/// A request RouteSocket can send: its message type and flags, and how it lays out its family header
/// (ifinfomsg, ifaddrmsg, rtmsg) and attributes behind the netlink header.
public protocol NetlinkRequest: CustomStringConvertible, Sendable {
    var messageType: UInt16 { get }
    var flags: UInt16 { get }
    /// Encodes the request into `buffer` (NLMSG_ALIGNTO-aligned, `capacity` bytes); returns its length.
    /// Every put is bounded by `capacity`: a request that does not fit is EMSGSIZE, whatever its input.
    func encode(seq: UInt32, portID: UInt32, into buffer: UnsafeMutableRawPointer, capacity: Int) throws(NetlinkError) -> Int
}

extension NetlinkRequest {
    /// Whether the reply is a dump (ends with NLMSG_DONE) rather than one answer and an ACK.
    public var isDump: Bool { flags & UInt16(NLM_F_DUMP) == UInt16(NLM_F_DUMP) }

    /// The encoded bytes (for tests and captures), in a buffer of the size a socket sends from.
    public func encoded(seq: UInt32, portID: UInt32 = 0) throws(NetlinkError) -> [UInt8] {
        let buffer = MessageBuffer()
        let length = try encode(seq: seq, portID: portID, into: buffer.base, capacity: buffer.size)
        return Array(UnsafeRawBufferPointer(start: buffer.base, count: length))
    }
}

/// A request being laid out: its netlink header and the size of the buffer under it, which every
/// attribute put checks (libmnl's `_check` putters) before writing a byte.
struct RequestMessage {
    let nlh: UnsafeMutablePointer<nlmsghdr>
    let capacity: Int

    var length: Int { Int(nlh.pointee.nlmsg_len) }

    func tooLong(_ what: String) -> NetlinkError {
        NetlinkError(errno: .messageTooLong, extack: "\(what) does not fit in the \(capacity)-byte request",
                     operation: MessageType.name(nlh.pointee.nlmsg_type) + " encode")
    }
}

/// The netlink header every request starts with, followed by its family header (ifinfomsg, ifaddrmsg,
/// rtmsg) zeroed for the caller to fill in.
func putHeaders<Family>(_ buffer: UnsafeMutableRawPointer, capacity: Int, type: UInt16, flags: UInt16, seq: UInt32,
                        portID: UInt32, family: Family.Type)
    throws(NetlinkError) -> (RequestMessage, UnsafeMutablePointer<Family>)
{
    let needed = Int(lc_nlmsg_align(MemoryLayout<nlmsghdr>.size)) + Int(lc_nlmsg_align(MemoryLayout<Family>.size))
    guard capacity >= needed else {
        throw NetlinkError(errno: .messageTooLong, extack: "headers of \(needed) bytes do not fit in \(capacity)",
                           operation: MessageType.name(type) + " encode")
    }
    // libmnl 1.0.4 leaves attribute padding as it finds it: cleared first, a request's bytes are its own
    // (never the previous request's), so encodings are deterministic.
    buffer.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
    let nlh = mnl_nlmsg_put_header(buffer)!
    nlh.pointee.nlmsg_type = type
    nlh.pointee.nlmsg_flags = flags
    nlh.pointee.nlmsg_seq = seq
    nlh.pointee.nlmsg_pid = portID
    let header = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<Family>.size)!.assumingMemoryBound(to: Family.self)
    return (RequestMessage(nlh: nlh, capacity: capacity), header)
}
