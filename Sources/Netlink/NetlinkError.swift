import SystemCalls
import SystemPackage
/// A request the kernel refused (or a socket failure), with what the kernel said about it.
public struct NetlinkError: Error, CustomStringConvertible, Sendable {
    public let errno: Errno
    /// The extended-ack text (NLMSGERR_ATTR_MSG), when the kernel gave one.
    public let extack: String?
    /// What was being done, for messages ("RTM_NEWLINK", "recv", ...).
    public let operation: String

    public init(errno: Errno, extack: String? = nil, operation: String) {
        self.errno = errno
        self.extack = extack
        self.operation = operation
    }

    public var description: String {
        var text = "\(operation): \(errno.nameAndMessage)"
        if let extack, !extack.isEmpty { text += ": \(extack)" }
        return text
    }
}
