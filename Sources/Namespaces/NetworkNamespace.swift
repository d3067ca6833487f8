import CShims
import Glibc
import Netlink

/// A network namespace held open by a file descriptor. Scratch namespaces are anonymous: nothing names
/// them in the filesystem, so they vanish with their last descriptor, even when the process is killed.
public final class NetworkNamespace {
    public let fd: Int32
    let identity: NamespaceFile.Identity
    /// SO_NETNS_COOKIE, read from a socket made inside; unlike inode numbers, never reused.
    public let cookie: UInt64?

    init(file: NamespaceFile, cookie: UInt64?) {
        fd = file.fd
        identity = file.identity
        self.cookie = cookie
    }

    deinit { close(fd) }

    /// The calling thread's own namespace.
    public static func current() throws -> NetworkNamespace {
        let file = try NamespaceFile.openCurrent()
        return NetworkNamespace(file: file, cookie: try? RouteSocket().namespaceCookie)
    }

    /// A namespace given by path (such as CNI_NETNS); refuses anything that is not a network namespace.
    public static func open(path: String) throws -> NetworkNamespace {
        let file = try NamespaceFile.openNetwork(path)
        let cookie = try closingOnError(file.fd) {
            try NamespaceThread.run { try NamespaceThread.within(file.fd) { try? RouteSocket().namespaceCookie } }
        }
        return NetworkNamespace(file: file, cookie: cookie ?? nil)
    }

    /// A new anonymous namespace, made on a dedicated thread that switches back (and proves it) before
    /// handing out only the descriptor. Nothing is created in the caller's namespace.
    public static func makeScratch() throws -> NetworkNamespace {
        try makeScratch(sockets: 0).namespace
    }

    /// A new anonymous namespace and `sockets` rtnetlink sockets opened inside it while the dedicated
    /// thread is there (one thread for all: no second trip into the namespace).
    public static func makeScratch(sockets count: Int) throws -> (namespace: NetworkNamespace, sockets: [RouteSocket]) {
        try NamespaceThread.run {
            let original = try NamespaceFile.openCurrent()
            defer { close(original.fd) }
            guard lc_unshare_netns() == 0 else { throw NamespaceError.system("unshare(CLONE_NEWNET)", .current) }
            var file: NamespaceFile?
            let inside = Result { () throws -> [RouteSocket] in
                file = try NamespaceFile.openCurrent()
                return try (0..<max(count, 1)).map { _ in try RouteSocket() }
            }
            do {
                try NamespaceThread.returnTo(original)
            } catch {
                if let file { close(file.fd) }
                throw error
            }
            let sockets: [RouteSocket]
            do { sockets = try inside.get() } catch {
                if let file { close(file.fd) }
                throw error
            }
            // Every socket handed out must live in the namespace it is handed out with.
            guard let file, Set(sockets.map(\.namespaceCookie)).count == 1 else {
                if let file { close(file.fd) }
                throw NamespaceError.socketInWrongNamespace
            }
            let namespace = NetworkNamespace(file: file, cookie: sockets[0].namespaceCookie)
            return (namespace, count == 0 ? [] : sockets)
        }
    }

    /// Whether this is the same namespace as `other` (while both are open).
    public func isSame(as other: NetworkNamespace) -> Bool { identity == other.identity }

    /// An rtnetlink socket living in this namespace, checked by cookie.
    public func openRouteSocket() throws -> RouteSocket {
        let socket = try run { try RouteSocket() }
        if let cookie, socket.namespaceCookie != cookie { throw NamespaceError.socketInWrongNamespace }
        return socket
    }

    /// Runs a whole unit of namespace work (making namespaces, opening sockets, sending requests) on the
    /// dedicated namespace thread. Doing the requests on the same thread that unshares is measurably
    /// cheaper for the kernel than splitting them across threads (see Benchmarks/README.md).
    public static func onDedicatedThread<T>(_ body: @escaping () throws -> T) throws -> T {
        try NamespaceThread.run(body)
    }

    /// Runs `body` on a dedicated thread inside this namespace (for sockets and ioctls that must be made
    /// there); the caller's thread never changes namespace.
    public func run<T>(_ body: @escaping () throws -> T) throws -> T {
        let fd = self.fd
        return try NamespaceThread.run { try NamespaceThread.within(fd, body) }
    }
}
