import Glibc

/// An errno value as a type: compared by number, printed by its symbolic name.
public struct Errno: Error, Hashable, Codable, CustomStringConvertible, Sendable {
    public let rawValue: Int32

    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's errno, read once right after a failed call.
    public static var current: Errno { Errno(errno) }

    public static let EPERM = Errno(Glibc.EPERM)
    public static let ENOENT = Errno(Glibc.ENOENT)
    public static let EINTR = Errno(Glibc.EINTR)
    public static let EAGAIN = Errno(Glibc.EAGAIN)
    public static let EACCES = Errno(Glibc.EACCES)
    public static let EBUSY = Errno(Glibc.EBUSY)
    public static let EEXIST = Errno(Glibc.EEXIST)
    public static let ENODEV = Errno(Glibc.ENODEV)
    public static let EINVAL = Errno(Glibc.EINVAL)
    public static let ENOSPC = Errno(Glibc.ENOSPC)
    public static let ERANGE = Errno(Glibc.ERANGE)
    public static let ENOBUFS = Errno(Glibc.ENOBUFS)
    public static let EOPNOTSUPP = Errno(Glibc.EOPNOTSUPP)
    public static let ETIMEDOUT = Errno(Glibc.ETIMEDOUT)
    public static let EPROTO = Errno(Glibc.EPROTO)
    public static let ENAMETOOLONG = Errno(Glibc.ENAMETOOLONG)
    public static let EMSGSIZE = Errno(Glibc.EMSGSIZE)

    /// True for the answers that mean "not allowed", which never mean "not supported".
    public var isPermission: Bool { self == .EPERM || self == .EACCES }

    public var name: String {
        Errno.names[rawValue] ?? "E\(rawValue)"
    }

    public var message: String { String(cString: strerror(rawValue)) }

    public var description: String { "\(name) (\(message))" }

    private static let names: [Int32: String] = [
        Glibc.EPERM: "EPERM", Glibc.ENOENT: "ENOENT", Glibc.ESRCH: "ESRCH", Glibc.EINTR: "EINTR",
        Glibc.EIO: "EIO", Glibc.EBADF: "EBADF", Glibc.EAGAIN: "EAGAIN", Glibc.ENOMEM: "ENOMEM",
        Glibc.EACCES: "EACCES", Glibc.EFAULT: "EFAULT", Glibc.EBUSY: "EBUSY", Glibc.EEXIST: "EEXIST",
        Glibc.ENODEV: "ENODEV", Glibc.ENOTDIR: "ENOTDIR", Glibc.EINVAL: "EINVAL", Glibc.ENFILE: "ENFILE",
        Glibc.EMFILE: "EMFILE", Glibc.ENOSPC: "ENOSPC", Glibc.ERANGE: "ERANGE", Glibc.ENOSYS: "ENOSYS",
        Glibc.ENAMETOOLONG: "ENAMETOOLONG", Glibc.ENOBUFS: "ENOBUFS", Glibc.EOPNOTSUPP: "EOPNOTSUPP",
        Glibc.EPROTONOSUPPORT: "EPROTONOSUPPORT", Glibc.ETIMEDOUT: "ETIMEDOUT", Glibc.EPROTO: "EPROTO",
        Glibc.EMSGSIZE: "EMSGSIZE", Glibc.EADDRINUSE: "EADDRINUSE",
        Glibc.ELOOP: "ELOOP", Glibc.ENXIO: "ENXIO",
    ]

    public static func named(_ name: String) -> Errno? {
        names.first(where: { $0.value == name }).map { Errno($0.key) }
    }
}

/// Runs a system call, retrying on EINTR: the one place interrupted calls are handled. A failure is thrown
/// as its errno.
@inline(__always)
public func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) throws(Errno) -> T {
    let result = retryingWhileInterrupted(call)
    if result < 0 { throw Errno.current }
    return result
}

/// The same for callers that test the result and read errno themselves: retries on EINTR and returns the
/// first other result, negative with errno set on failure.
@inline(__always)
public func retryingWhileInterrupted<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
