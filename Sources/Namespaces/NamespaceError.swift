import SystemCalls
import SystemPackage

public enum NamespaceError: Error, CustomStringConvertible, Sendable {
    /// A system call failed; `operation` names it.
    case system(String, Errno)
    /// The thread could not return to its original namespace; it ran nothing else and ended.
    case switchBackFailed(Errno?)
    /// A path given as a network namespace is something else.
    case notANetworkNamespace(String)
    /// A socket opened for a namespace reports another one.
    case socketInWrongNamespace

    /// Whether a thread was left in an unknown namespace: on the calling thread (CallingThread) nothing
    /// more may be done in this process.
    public var leftThreadElsewhere: Bool {
        if case .switchBackFailed = self { return true }
        return false
    }

    public var errno: Errno? {
        switch self {
        case .system(_, let errno): return errno
        case .switchBackFailed(let errno): return errno
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .system(let operation, let errno): return "\(operation): \(errno.nameAndMessage)"
        case .switchBackFailed(let errno):
            return "could not switch the thread back to its network namespace" + (errno.map { ": \($0.nameAndMessage)" } ?? "")
        case .notANetworkNamespace(let path): return "\(path) is not a network namespace"
        case .socketInWrongNamespace: return "a netlink socket was opened in the wrong network namespace"
        }
    }
}
