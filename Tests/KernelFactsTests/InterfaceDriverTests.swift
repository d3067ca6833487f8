import Capabilities
import Glibc
import KernelFacts
import Namespaces
import Netlink
import SystemCalls
import Testing

/// The driver behind an interface, asked where the interface lives: inside a scratch namespace through
/// ETHTOOL_GDRVINFO; a name that exists only there is unknown to the host's view.
@Suite("Interface drivers (root)", .enabled(if: Privilege.isPrivileged, "needs root: makes a veth in a scratch namespace"))
struct InterfaceDriverTests {
    @Test func vethInsideAScratchNamespace() throws {
        let (namespace, sockets) = try NetworkNamespace.makeScratch(sockets: 1)
        try sockets[0].perform(.create(name: "lcdrv0", kind: "veth", peerName: "lcdrv0p"))
        let inside = InterfaceDriver.describe("lcdrv0", in: namespace)
        #expect(inside.source == .ethtool)
        #expect(inside.driver == "veth")
        #expect(inside.module == "veth")
        let fromHost = InterfaceDriver.describe("lcdrv0")
        #expect(fromHost.driver == nil, "the host namespace has no lcdrv0")
        #expect(fromHost.source == .none)
        #expect(fromHost.note == "ETHTOOL_GDRVINFO: ENODEV")
    }

    @Test func loopbackHasNoDriverButAnAnswer() {
        let lo = InterfaceDriver.describe("lo")
        #expect(lo.name == "lo")
        #expect(lo.source == .ethtool || lo.source == .none)
    }
}
