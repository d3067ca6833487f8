import Probe
import SystemCalls
import SystemPackage

/// Why the cache could give no report. A cache *file* that cannot be trusted is never an error (it is
/// ignored and replaced); these are the cases where the caller must decide, e.g. probe with `.bypass`.
public enum CapabilityCacheError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The cache directory is not ours or is writable by others (or could not be made).
    case unusableDirectory(path: String, reason: String)
    /// A system call on the cache failed.
    case io(operation: String, path: String, errno: Errno)
    /// Another process held the lock for longer than the wait allows.
    case lockTimeout(path: String, seconds: Double)
    /// The probe could not run (no privilege, no link kind).
    case probe(ProbeError)
    case probeFailed(String)

    /// True when the cache itself failed (directory, file system, lock), so that probing without it can
    /// still answer; false when the probe could not run.
    public var isAboutTheCache: Bool {
        switch self {
        case .unusableDirectory, .io, .lockTimeout: return true
        case .probe, .probeFailed: return false
        }
    }

    public var description: String {
        switch self {
        case .unusableDirectory(let path, let reason): return "cache directory \(path) not usable: \(reason)"
        case .io(let operation, let path, let errno): return "cache: \(operation) \(path): \(errno.nameAndMessage)"
        case .lockTimeout(let path, let seconds): return "cache: waited \(seconds) s for the lock \(path)"
        case .probe(let error): return error.description
        case .probeFailed(let text): return "probe failed: \(text)"
        }
    }
}
