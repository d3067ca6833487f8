import Glibc
import SystemCalls
import SystemPackage

/// An exclusive flock on the key's lock file: the holder probes, the others wait and then read what it
/// wrote. The lock dies with its holder (kill -9 included), so a crashed prober blocks nobody.
final class CacheLock {
    private let file: FileDescriptor

    static let pollMicroseconds: UInt32 = 2_000

    init(path: String, timeoutSeconds: Double) throws(CapabilityCacheError) {
        file = try Self.acquire(path, deadline: Double(monotonicMicroseconds()) + timeoutSeconds * 1e6,
                              timeoutSeconds: timeoutSeconds)
    }

    /// Locks the file at `path` by `deadline`, or throws lockTimeout: every wait, the retry after a
    /// replaced file included, is bounded.
    private static func acquire(_ path: String, deadline: Double, timeoutSeconds: Double) throws(CapabilityCacheError) -> FileDescriptor {
        while true {
            let file = try open(path)
            while true {
                do { _ = try retryingOnInterrupt { flock(file.rawValue, LOCK_EX | LOCK_NB) }; break } catch {
                    guard error == .wouldBlock else {
                        file.closeQuietly()
                        throw .io(operation: "flock", path: path, errno: error)
                    }
                }
                if Double(monotonicMicroseconds()) > deadline {
                    file.closeQuietly()
                    throw .lockTimeout(path: path, seconds: timeoutSeconds)
                }
                // flock cannot time out, and a plugin must not hang behind a prober that never returns: poll.
                usleep(pollMicroseconds)
            }
            // The file may have been replaced while we waited (unlinked by a process that found it
            // untrustworthy): holding a lock on an orphan would lock nobody out, so lock the current one.
            var held = stat()
            var named = stat()
            if fstat(file.rawValue, &held) == 0, lstat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev {
                return file
            }
            file.closeQuietly()
        }
    }

    deinit { file.closeQuietly() }

    /// Opens (creating) the lock file; one that is not ours, or is a symlink, is removed and made anew.
    private static func open(_ path: String) throws(CapabilityCacheError) -> FileDescriptor {
        for _ in 0 ..< 2 {
            let file: FileDescriptor
            do {
                file = try FileDescriptor.open(path, .readWrite, options: [.create, .noFollow], permissions: FilePermissions(rawValue: 0o600))
            } catch {
                guard error == .tooManySymbolicLinkLevels else { throw .io(operation: "open", path: path, errno: error) }
                unlink(path)
                continue
            }
            var info = stat()
            if fstat(file.rawValue, &info) == 0, trustProblem(info, expectDirectory: false) == nil { return file }
            file.closeQuietly()
            unlink(path)
        }
        throw .io(operation: "open (untrusted lock file keeps coming back)", path: path, errno: .notPermitted)
    }
}

func monotonicMicroseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
}
