import CShims
import Glibc
import SystemCalls
import SystemPackage

/// Runs namespace work on one dedicated, long-lived pthread, so that switching network namespace (a
/// per-thread property) never touches a thread that Swift or anyone else might reuse. The worker lives on
/// between jobs: short-lived threads that unshare and exit cost the kernel far more (measured: the C floor
/// slows by ~15% that way). A worker that could not switch back retires at once and runs nothing more;
/// the next job gets a fresh one.
enum NamespaceThread {
    static func run<T>(_ body: @escaping () throws -> T) throws -> T {
        var outcome: Result<T, Error>?
        try NamespaceWorker.current().perform {
            let result = Result { try body() }
            outcome = result
            if case .failure(let error as NamespaceError) = result, case .switchBackFailed = error { return false }
            return true
        }
        return try outcome!.get()
    }

    /// On the current thread (the dedicated one, or a caller's through CallingThread): enter `target`, run
    /// `body`, come back and prove it.
    static func within<T>(_ target: Int32, _ body: () throws -> T) throws -> T {
        let original = try NamespaceFile.openCurrent()
        defer { close(original.fd) }
        guard lc_setns_net(target) == 0 else { throw NamespaceError.system("setns", .current) }
        let result = Result { try body() }
        try returnTo(original)
        return try result.get()
    }

    /// Switches back and checks that the thread's namespace is the original one again.
    static func returnTo(_ original: NamespaceFile) throws {
        guard lc_setns_net(original.fd) == 0 else { throw NamespaceError.switchBackFailed(.current) }
        // A stat that fails leaves the thread's namespace unknown: that is a failed switch back too, with its errno.
        let now: NamespaceFile.Identity
        do { now = try NamespaceFile.identityOfCurrent() } catch { throw NamespaceError.switchBackFailed((error as? NamespaceError)?.errno) }
        guard now == original.identity else { throw NamespaceError.switchBackFailed(nil) }
    }
}

/// An open nsfs file and the (device, inode) pair that names the namespace while it lives.
struct NamespaceFile {
    struct Identity: Equatable { var device: UInt64; var inode: UInt64 }

    let fd: Int32
    let identity: Identity

    static let currentPath = "/proc/thread-self/ns/net"

    static func openCurrent() throws -> NamespaceFile { try open(currentPath) }

    static func open(_ path: String) throws -> NamespaceFile {
        let fd: Int32
        do { fd = try FileDescriptor.open(path, .readOnly).rawValue } catch {
            throw NamespaceError.system("open \(path)", error)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = Errno.current
            close(fd)
            throw NamespaceError.system("fstat \(path)", error)
        }
        return NamespaceFile(fd: fd, identity: Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// Opens `path` and checks that it is a network namespace (closed again if not).
    static func openNetwork(_ path: String) throws -> NamespaceFile {
        let file = try open(path)
        guard lc_ns_type(file.fd) == lc_clone_newnet else {
            close(file.fd)
            throw NamespaceError.notANetworkNamespace(path)
        }
        return file
    }

    static func identityOfCurrent() throws -> Identity {
        var info = stat()
        guard stat(currentPath, &info) == 0 else { throw NamespaceError.system("stat \(currentPath)", .current) }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}

/// Runs `body`; if it throws, closes `fd` (which the caller opened and would otherwise hand on) first.
func closingOnError<T>(_ fd: Int32, _ body: () throws -> T) throws -> T {
    do { return try body() } catch {
        close(fd)
        throw error
    }
}
