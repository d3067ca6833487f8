import CShims
import Glibc
import Netlink

extension NetworkNamespace {
    /// A namespace given by path and a route socket inside it, made on the calling thread: it enters the
    /// namespace, opens the socket and comes back (CallingThread), with no handoff to the dedicated
    /// thread. The CNI plugin does this on every ADD, CHECK and DEL, before it touches any device, so a
    /// thread that could not come back (`NamespaceError.switchBackFailed`) stops the plugin before anything
    /// has changed.
    public static func openWithRouteSocket(path: String) throws -> (NetworkNamespace, RouteSocket) {
        let file = try NamespaceFile.openNetwork(path)
        let socket = try closingOnError(file.fd) {
            try CallingThread.within(file.fd) { try RouteSocket() }
        }
        return (NetworkNamespace(file: file, cookie: socket.namespaceCookie), socket)
    }
}
