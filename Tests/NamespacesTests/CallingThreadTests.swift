import CShims
import Glibc
@testable import Namespaces
import Netlink
import SystemCalls
import Testing
import TestSupport

/// `openWithRouteSocket(path:)` enters the namespace on the calling thread: the socket must be in the
/// target, and the thread back in its own namespace after success and after every failure, with nothing
/// left open. Real namespaces throughout: a scratch namespace with a veth pair that exists only there.
@Suite("Route socket opened on the calling thread (root)", .serialized,
       .enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
struct CallingThreadTests {
    /// The calling thread's namespace, as the kernel names it (device, inode of its nsfs file).
    static func threadNamespace() throws -> NamespaceFile.Identity { try NamespaceFile.identityOfCurrent() }

    /// The descriptors that are open now and refer to the network namespace with inode `inode`.
    static func descriptors(on inode: UInt64) throws -> Set<Int32> {
        try NamespaceHygieneTests.openDescriptors().filter { fd in
            var info = stat()
            return fstat(fd, &info) == 0 && UInt64(info.st_ino) == inode && lc_ns_type(fd) == lc_clone_newnet
        }
    }

    /// Runs `call` and checks what must hold whatever it did: same thread namespace, same signal mask, no
    /// descriptor left behind by it.
    static func leavesTheThreadAsItWas<T>(_ what: String, _ call: () throws -> T) throws -> Result<T, any Error> {
        let namespace = try threadNamespace()
        let mask = try NamespaceHygieneTests.blockedSignals(thread: lc_gettid())
        let before = try NamespaceHygieneTests.openDescriptors()
        let outcome = Result { try call() }
        #expect(try threadNamespace() == namespace, "\(what): the thread is back in its own namespace")
        #expect(try NamespaceHygieneTests.blockedSignals(thread: lc_gettid()) == mask, "\(what): signal mask restored")
        if case .failure = outcome {
            #expect(try NamespaceHygieneTests.openDescriptors() == before, "\(what): nothing left open after failing")
        }
        return outcome
    }

    @Test func theSocketIsInTheTargetAndTheThreadComesBack() throws {
        let (scratch, sockets) = try NetworkNamespace.makeScratch(sockets: 1)
        try sockets[0].perform(.create(name: "lcct0", kind: "veth", peerName: "lcct0p"))
        let made = try #require(try sockets[0].link(named: "lcct0"))
        let path = "/proc/self/fd/\(scratch.fd)"
        let before = try NamespaceHygieneTests.openDescriptors()
        let outcome = try Self.leavesTheThreadAsItWas("success") { try NetworkNamespace.openWithRouteSocket(path: path) }
        let (namespace, socket) = try outcome.get()
        // Exactly two descriptors more: the namespace and the socket (they close with them).
        #expect(try NamespaceHygieneTests.openDescriptors().subtracting(before) == [namespace.fd, socket.fileDescriptor])
        // The socket is in the scratch namespace: its cookie, and it sees the link made only there.
        #expect(socket.namespaceCookie != nil && socket.namespaceCookie == scratch.cookie)
        #expect(namespace.cookie == scratch.cookie && namespace.isSame(as: scratch))
        #expect(try socket.link(named: "lcct0")?.index == made.index)
        #expect(try Set(socket.links().map(\.name)) == ["lo", "lcct0", "lcct0p"])
        let host = try NetworkNamespace.current()
        #expect(host.cookie != socket.namespaceCookie && !host.isSame(as: namespace))
        #expect(try RouteSocket().link(named: "lcct0") == nil, "the host does not see the scratch link")
    }

    /// The step runs on the calling thread itself (no handoff to the dedicated thread).
    @Test func theStepRunsOnTheCallingThread() throws {
        let scratch = try NetworkNamespace.makeScratch()
        let tid = try CallingThread.within(scratch.fd) { lc_gettid() }
        #expect(tid == lc_gettid())
        let inside = try CallingThread.within(scratch.fd) { try Self.threadNamespace() }
        #expect(inside == scratch.identity, "inside, the thread is in the target namespace")
    }

    @Test(arguments: ["/nonexistent/netns", "/proc/self/ns/uts", "/etc/hostname", "/proc/self/ns/user"])
    func aPathThatCannotBeEnteredIsRefusedAndNothingMoves(_ path: String) throws {
        let outcome = try Self.leavesTheThreadAsItWas(path) { try NetworkNamespace.openWithRouteSocket(path: path) }
        guard case .failure(let error) = outcome else { Issue.record("\(path) was accepted"); return }
        let namespaceError = try #require(error as? NamespaceError)
        if path.hasPrefix("/nonexistent") {
            #expect(namespaceError.errno == .noSuchFileOrDirectory, "\(error)")
        } else {
            guard case .notANetworkNamespace = namespaceError else { Issue.record("\(path): \(error)"); return }
        }
    }

    /// The socket cannot be made inside the target (no descriptor left: EMFILE after the switch), or the
    /// thread's own namespace cannot be opened before it (EMFILE before the switch): an error, the thread
    /// back home, nothing open.
    @Test(arguments: [(1, "before the switch"), (2, "inside the namespace")])
    func aFailedStepLeavesTheThreadAtHome(_ opens: Int, _ when: String) throws {
        let scratch = try NetworkNamespace.makeScratch()
        let path = "/proc/self/fd/\(scratch.fd)"
        let outcome = try Self.leavesTheThreadAsItWas(when) {
            try NamespaceHygieneTests.withDescriptorsLimited(to: opens) { try NetworkNamespace.openWithRouteSocket(path: path) }
        }
        guard case .failure(let error) = outcome else { Issue.record("\(when): succeeded under the limit"); return }
        #expect("\(error)".contains("EMFILE"), "\(when): \(error)")
    }

    /// When the way back fails (here: the descriptor of the thread's own namespace is replaced by a file
    /// that is no namespace while the thread is inside), the call says so with `switchBackFailed` instead
    /// of going on: the thread really is elsewhere, which is why the plugin stops at once.
    @Test func aFailedReturnIsReportedAndNeverIgnored() throws {
        let scratch = try NetworkNamespace.makeScratch()
        let home = try NamespaceFile.openCurrent()
        defer { close(home.fd) }
        let ours = try Self.descriptors(on: home.identity.inode)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        try #require(devNull >= 0)
        defer { close(devNull) }
        let outcome = Result {
            try CallingThread.within(scratch.fd) {
                // The descriptor `within` opened for the way back: the one on our namespace not there before.
                let original = try Self.descriptors(on: home.identity.inode).subtracting(ours)
                try #require(original.count == 1)
                #expect(dup2(devNull, original.first!) == original.first!)
            }
        }
        let left = try Self.threadNamespace()
        // Put the thread back before anything else, whatever the outcome.
        if left != home.identity { #expect(lc_setns_net(home.fd) == 0) }
        #expect(try Self.threadNamespace() == home.identity)
        guard case .failure(let error) = outcome, let namespaceError = error as? NamespaceError else {
            Issue.record("the failed return was not reported: \(outcome)"); return
        }
        #expect(namespaceError.leftThreadElsewhere, "\(error)")
        #expect(left == scratch.identity, "the thread was indeed left in the target")
    }
}
