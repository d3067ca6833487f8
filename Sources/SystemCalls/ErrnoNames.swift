import Glibc
import SystemPackage

/// swift-system's Errno is the errno type everywhere; what it lacks and every message here needs is added:
/// the symbolic name (swift-system prints only strerror's text), the calling thread's errno (internal
/// there), and the permission test the probe's classification rests on. swift-system's member names follow
/// Darwin's texts: ENODEV ("No such device" on Linux) is `.operationNotSupportedByDevice`, EOPNOTSUPP is
/// `.notSupportedOnSocket`, EWOULDBLOCK `.wouldBlock`.
extension Errno {
    /// The calling thread's errno, read once right after a failed call that swift-system does not wrap.
    public static var current: Errno { Errno(rawValue: Glibc.errno) }

    /// True for the answers that mean "not allowed", which never mean "not supported".
    public var isPermission: Bool { self == .notPermitted || self == .permissionDenied }

    /// The symbolic name (EROFS, ENOSPC, ...): messages name errnos, never numbers. "E<n>" only for a value
    /// Linux does not define.
    public var name: String {
        rawValue > 0 && Int(rawValue) < Errno.names.count && !Errno.names[Int(rawValue)].isEmpty
            ? Errno.names[Int(rawValue)] : "E\(rawValue)"
    }

    /// What messages print: the name, then strerror's text ("EROFS (Read-only file system)").
    public var nameAndMessage: String { "\(name) (\(description))" }

    public static func named(_ name: String) -> Errno? {
        names.firstIndex(of: name).flatMap { $0 == 0 ? nil : Errno(rawValue: Int32($0)) }
    }

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
}
