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
    public static let EROFS = Errno(Glibc.EROFS)
    public static let EPIPE = Errno(Glibc.EPIPE)
    public static let ECHILD = Errno(Glibc.ECHILD)
    public static let EMFILE = Errno(Glibc.EMFILE)
    public static let ELOOP = Errno(Glibc.ELOOP)
    public static let EFBIG = Errno(Glibc.EFBIG)
    public static let EIO = Errno(Glibc.EIO)

    /// True for the answers that mean "not allowed", which never mean "not supported".
    public var isPermission: Bool { self == .EPERM || self == .EACCES }

    /// The symbolic name (EROFS, ENOSPC, ...): messages name errnos, never numbers. "E<n>" only for a value
    /// Linux does not define.
    public var name: String {
        rawValue > 0 && Int(rawValue) < Errno.names.count && !Errno.names[Int(rawValue)].isEmpty
            ? Errno.names[Int(rawValue)] : "E\(rawValue)"
    }

    public var message: String { String(cString: strerror(rawValue)) }

    public var description: String { "\(name) (\(message))" }

    /// Linux's errno names by value (asm-generic/errno-base.h and errno.h; aliases such as EWOULDBLOCK
    /// and ENOTSUP share a value with the name given here). Empty: no errno has that value.
    private static let names: [String] = [
        "", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN",
        "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR",
        "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE",
        "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", "", "ENOMSG",
        "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE",
        "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "", "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR",
        "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT",
        "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX",
        "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE",
        "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
        "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED",
        "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
        "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL",
        "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED",
        "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
    ]

    public static func named(_ name: String) -> Errno? {
        names.firstIndex(of: name).flatMap { $0 == 0 ? nil : Errno(Int32($0)) }
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
