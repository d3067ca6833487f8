import Glibc
import SystemCalls

/// An exclusive flock on the key's lock file: the holder probes, the others wait and then read what it
/// wrote. The lock dies with its holder (kill -9 included), so a crashed prober blocks nobody.
final class CacheLock {
    private let fd: Int32

    static let pollMicroseconds: UInt32 = 2_000

    init(path: String, timeoutSeconds: Double) throws(CapabilityCacheError) {
        fd = try Self.acquire(path, deadline: Double(monotonicMicroseconds()) + timeoutSeconds * 1e6,
                              timeoutSeconds: timeoutSeconds)
    }

    /// Locks the file at `path` by `deadline`, or throws lockTimeout: every wait, the retry after a
    /// replaced file included, is bounded.
    private static func acquire(_ path: String, deadline: Double, timeoutSeconds: Double) throws(CapabilityCacheError) -> Int32 {
        while true {
            let fd = try open(path)
            while retryingWhileInterrupted({ flock(fd, LOCK_EX | LOCK_NB) }) != 0 {
                guard errno == EWOULDBLOCK else {
                    let code = errno
                    close(fd)
                    throw .io(operation: "flock", path: path, errno: Errno(code))
                }
                if Double(monotonicMicroseconds()) > deadline {
                    close(fd)
                    throw .lockTimeout(path: path, seconds: timeoutSeconds)
                }
                // flock cannot time out, and a plugin must not hang behind a prober that never returns: poll.
                usleep(pollMicroseconds)
            }
            // The file may have been replaced while we waited (unlinked by a process that found it
            // untrustworthy): holding a lock on an orphan would lock nobody out, so lock the current one.
            var held = stat()
            var named = stat()
            if fstat(fd, &held) == 0, lstat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev {
                return fd
            }
            close(fd)
        }
    }

    deinit { close(fd) }

    /// Opens (creating) the lock file; one that is not ours, or is a symlink, is removed and made anew.
    private static func open(_ path: String) throws(CapabilityCacheError) -> Int32 {
        for _ in 0 ..< 2 {
            let fd = retryingWhileInterrupted { Glibc.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600) }
            if fd < 0 {
                guard errno == ELOOP else { throw .io(operation: "open", path: path, errno: .current) }
                unlink(path)
                continue
            }
            var info = stat()
            if fstat(fd, &info) == 0, trustProblem(info, expectDirectory: false) == nil { return fd }
            close(fd)
            unlink(path)
        }
        throw .io(operation: "open (untrusted lock file keeps coming back)", path: path, errno: .EPERM)
    }
}

func monotonicMicroseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
}
