import CShims
import Glibc
import Netlink

extension NetworkNamespace {
    /// A namespace given by path and a route socket inside it, made in one trip to a dedicated thread
    /// (open(path:) then openRouteSocket() take two). Each trip is a thread handoff, which on a loaded
    /// host can cost milliseconds: the CNI plugin does this on every ADD and DEL.
    public static func openWithRouteSocket(path: String) throws -> (NetworkNamespace, RouteSocket) {
        let file = try NamespaceFile.openNetwork(path)
        let socket = try closingOnError(file.fd) {
            try NamespaceThread.run { try NamespaceThread.within(file.fd) { try RouteSocket() } }
        }
        return (NetworkNamespace(file: file, cookie: socket.namespaceCookie), socket)
    }
}
