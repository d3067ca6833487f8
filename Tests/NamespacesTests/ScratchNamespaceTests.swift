import Glibc
import Namespaces
import Netlink
import TestSupport
import Testing

/// Scratch namespaces and opening one by path, seen through the route socket made inside it.
@Suite("Scratch namespaces (root)", .serialized,
       .enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
struct ScratchNamespaceTests {
    @Test func aScratchNamespaceHoldsOnlyLoopback() throws {
        let (namespace, sockets) = try NetworkNamespace.makeScratch(sockets: 1)
        let requests = sockets[0]
        #expect(try requests.links().map(\.name) == ["lo"])
        #expect(requests.namespaceCookie == namespace.cookie)
        let host = try NetworkNamespace.current()
        #expect(!namespace.isSame(as: host))
        #expect(host.cookie != namespace.cookie)
    }

    @Test func theCallersThreadNeverChangesNamespace() throws {
        var before = stat(), after = stat()
        stat("/proc/thread-self/ns/net", &before)
        for _ in 0..<3 { _ = try NetworkNamespace.makeScratch(sockets: 2) }
        stat("/proc/thread-self/ns/net", &after)
        #expect(before.st_ino == after.st_ino && before.st_dev == after.st_dev)
    }

    @Test func aPathThatIsNotANetworkNamespaceIsRefused() throws {
        #expect(throws: NamespaceError.self) { try NetworkNamespace.open(path: "/proc/self/ns/uts") }
        #expect(throws: NamespaceError.self) { try NetworkNamespace.open(path: "/etc/hostname") }
        let own = try NetworkNamespace.open(path: "/proc/self/ns/net")
        #expect(own.isSame(as: try NetworkNamespace.current()))
    }
}
