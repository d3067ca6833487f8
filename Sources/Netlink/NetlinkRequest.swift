import CMnl
import CShims
/// A request RouteSocket can send: its message type and flags, and how it lays out its family header
/// (ifinfomsg, ifaddrmsg, rtmsg) and attributes behind the netlink header.
public protocol NetlinkRequest: CustomStringConvertible, Sendable {
    var messageType: UInt16 { get }
    var flags: UInt16 { get }
    /// Encodes the request into `buffer` (NLMSG_ALIGNTO-aligned); returns its length.
    func encode(seq: UInt32, portID: UInt32, into buffer: UnsafeMutableRawPointer) -> Int
}

extension NetlinkRequest {
    /// Whether the reply is a dump (ends with NLMSG_DONE) rather than one answer and an ACK.
    public var isDump: Bool { flags & UInt16(NLM_F_DUMP) == UInt16(NLM_F_DUMP) }

    /// The encoded bytes (for tests and captures).
    public func encoded(seq: UInt32, portID: UInt32 = 0) -> [UInt8] {
        let buffer = MessageBuffer()
        let length = encode(seq: seq, portID: portID, into: buffer.base)
        return Array(UnsafeRawBufferPointer(start: buffer.base, count: length))
    }
}

/// The netlink header every request starts with, followed by its family header (ifinfomsg, ifaddrmsg,
/// rtmsg) zeroed for the caller to fill in.
func putHeaders<Family>(_ buffer: UnsafeMutableRawPointer, type: UInt16, flags: UInt16, seq: UInt32, portID: UInt32,
                        family: Family.Type) -> (UnsafeMutablePointer<nlmsghdr>, UnsafeMutablePointer<Family>) {
    let nlh = mnl_nlmsg_put_header(buffer)!
    nlh.pointee.nlmsg_type = type
    nlh.pointee.nlmsg_flags = flags
    nlh.pointee.nlmsg_seq = seq
    nlh.pointee.nlmsg_pid = portID
    let header = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<Family>.size)!.assumingMemoryBound(to: Family.self)
    return (nlh, header)
}
