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
