import CShims
import Glibc
import Netlink

extension NetworkNamespace {
    /// A namespace given by path and a route socket inside it, made in one trip to a dedicated thread
    /// (open(path:) then openRouteSocket() take two). Each trip is a thread handoff, which on a loaded
    /// host can cost milliseconds: the CNI plugin does this on every ADD and DEL.
    public static func openWithRouteSocket(path: String) throws -> (NetworkNamespace, RouteSocket) {
        let file = try NamespaceFile.open(path)
        guard lc_ns_type(file.fd) == lc_clone_newnet else {
            close(file.fd)
            throw NamespaceError.notANetworkNamespace(path)
        }
        let socket: RouteSocket
        do {
            socket = try NamespaceThread.run { try NamespaceThread.within(file.fd) { try RouteSocket() } }
        } catch {
            close(file.fd)
            throw error
        }
        return (NetworkNamespace(file: file, cookie: socket.namespaceCookie), socket)
    }
}
