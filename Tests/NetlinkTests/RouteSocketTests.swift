import Glibc
import Namespaces
import Netlink
import TestSupport
import Testing

/// The netlink layer against the real kernel, inside scratch namespaces only.
@Suite("Route sockets in scratch namespaces (root)", .serialized,
       .enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
struct RouteSocketTests {
    func scratch() throws -> (NetworkNamespace, RouteSocket, RouteSocket) {
        let (namespace, sockets) = try NetworkNamespace.makeScratch(sockets: 2)
        return (namespace, sockets[0], sockets[1])
    }

    @Test func refusalsAreTypedWithTheKernelsText() throws {
        let (_, requests, _) = try scratch()
        try requests.perform(.create(name: "lct0", kind: "veth", peerName: "lct0p"))
        let error = try #require(throws: NetlinkError.self) {
            try requests.perform(.create(name: "lct0", kind: "veth", peerName: "lct1p"))
        }
        #expect(error.errno == .fileExists)
        #expect(error.operation == "RTM_NEWLINK")
        let unknown = try #require(throws: NetlinkError.self) {
            try requests.perform(.create(name: "lct2", kind: "no-such-kind"))
        }
        #expect(unknown.errno == .notSupportedOnSocket)
        #expect(unknown.extack?.isEmpty == false)
    }

    @Test func lookupsOfMissingLinksAreNil() throws {
        let (_, requests, _) = try scratch()
        #expect(try requests.link(index: 4242) == nil)
        #expect(try requests.link(named: "nothere0") == nil)
        #expect(try requests.link(index: 1)?.name == "lo")
    }

    @Test func eventsArriveInOrderAndWaitsAreBounded() throws {
        let (_, requests, events) = try scratch()
        try events.subscribeToLinkEvents()
        #expect(try events.events(timeoutMilliseconds: 0).isEmpty)
        try requests.perform(.create(name: "lce0", kind: "veth", peerName: "lce0p"))
        let link = try #require(try requests.link(named: "lce0"))
        try requests.perform(.change(index: link.index, name: "lce1"))
        try requests.perform(.change(index: link.index, up: true))
        let waitStarted = Self.nowMs()
        let seen = try events.events(timeoutMilliseconds: 5000) { collected in
            collected.contains { $0.index == link.index && $0.isUp }
        }
        #expect(Self.nowMs() - waitStarted < 4000, "the wait ends as soon as the awaited event is in")
        let ours = seen.filter { $0.index == link.index }
        #expect(ours.first?.name == "lce0")
        #expect(ours.contains { $0.name == "lce1" && !$0.isUp })
        #expect(ours.last?.name == "lce1" && ours.last?.isUp == true)
        let emptyStarted = Self.nowMs()
        #expect(try events.events(timeoutMilliseconds: 50).isEmpty)
        let elapsed = Self.nowMs() - emptyStarted
        #expect(elapsed >= 45, "an empty wait lasts its timeout (\(elapsed) ms)")
    }

    static func nowMs() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6
    }

    @Test func addressesAndRoutesThroughTheSameSocket() throws {
        let (namespace, requests, _) = try scratch()
        try requests.perform(.create(name: "lca0", kind: "veth", peerName: "lca0p", up: true))
        let link = try #require(try requests.link(named: "lca0"))
        try requests.acknowledge(AddressRequest.add(index: link.index, family: 2, address: [10, 9, 8, 7], prefixLength: 24))
        try requests.acknowledge(RouteRequest.add(index: link.index, family: 2, destination: [192, 168, 50, 0],
                                                  prefixLength: 24, gateway: [10, 9, 8, 1]))
        let again = try #require(throws: NetlinkError.self) {
            try requests.acknowledge(AddressRequest.add(index: link.index, family: 2, address: [10, 9, 8, 7], prefixLength: 24))
        }
        #expect(again.errno == .fileExists)
        let path = "/proc/\(getpid())/fd/\(namespace.fd)"
        let addresses = try Subprocess.run(["nsenter", "--net=\(path)", "ip", "-o", "-4", "addr", "show", "dev", "lca0"])
        #expect(addresses.stdout.contains("10.9.8.7/24"))
        let routes = try Subprocess.run(["nsenter", "--net=\(path)", "ip", "route", "show", "192.168.50.0/24"])
        #expect(routes.stdout.contains("via 10.9.8.1 dev lca0"))
    }
}
