import CShims
import Netlink
import Testing

@Suite("Request encoding against golden bytes")
struct RequestEncodingTests {
    typealias B = NetlinkBytes
    let request = UInt16(NLM_F_REQUEST | NLM_F_ACK)

    @Test func moveAndRenameInOneRequest() throws {
        let encoded = try LinkRequest.change(index: 4, netnsFD: 7, name: "lcf0").encoded(seq: 1)
        let expected = B.message(type: 16, flags: request, seq: 1,
                                 body: B.ifinfo(index: 4) + B.u32(28, 7) + B.string(3, "lcf0"))
        #expect(encoded == expected)
        #expect(encoded.count == 52)
    }

    @Test func moveWithUpAliasAndNewIfindex() throws {
        let encoded = try LinkRequest.change(index: 9, netnsFD: 5, name: "net1", up: true, alias: "eth9",
                                         newIfindex: 4242).encoded(seq: 77)
        let body = B.ifinfo(index: 9, flags: 1, change: 1) + B.u32(28, 5) + B.u32(49, 4242)
            + B.string(3, "net1") + B.string(20, "eth9")
        #expect(encoded == B.message(type: 16, flags: request, seq: 77, body: body))
    }

    @Test func settingDownOnlyTouchesTheUpBit() throws {
        let encoded = try LinkRequest.change(index: 3, up: false).encoded(seq: 2)
        #expect(encoded == B.message(type: 16, flags: request, seq: 2, body: B.ifinfo(index: 3, flags: 0, change: 1)))
    }

    @Test func createVethWithPeer() throws {
        let encoded = try LinkRequest.create(name: "lcp0", kind: "veth", peerName: "lcp0p").encoded(seq: 3)
        let peer = B.ifinfo() + B.string(3, "lcp0p")
        let infoData = B.nest(2, B.nest(1, peer))               // IFLA_INFO_DATA { VETH_INFO_PEER }
        let linkinfo = B.nest(18, B.string(1, "veth") + infoData) // IFLA_LINKINFO { IFLA_INFO_KIND, ... }
        let flags = request | UInt16(NLM_F_CREATE | NLM_F_EXCL)
        #expect(encoded == B.message(type: 16, flags: flags, seq: 3, body: B.ifinfo() + B.string(3, "lcp0") + linkinfo))
    }

    @Test func addAlternativeName() throws {
        let encoded = try LinkRequest.addAltName(index: 6, "uplink-a").encoded(seq: 4)
        let flags = request | UInt16(NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND)
        let body = B.ifinfo(index: 6) + B.nest(52, B.string(53, "uplink-a"))
        #expect(encoded == B.message(type: 108, flags: flags, seq: 4, body: body))
    }

    @Test func deleteGetAndDump() throws {
        #expect(try LinkRequest.delete(index: 12).encoded(seq: 5)
            == B.message(type: 17, flags: request, seq: 5, body: B.ifinfo(index: 12)))
        #expect(try LinkRequest.get(name: "eth0").encoded(seq: 6)
            == B.message(type: 18, flags: request, seq: 6, body: B.ifinfo() + B.string(3, "eth0")))
        #expect(try LinkRequest.dump().encoded(seq: 7)
            == B.message(type: 18, flags: UInt16(NLM_F_REQUEST | NLM_F_DUMP), seq: 7, body: B.ifinfo()))
    }

    @Test func readableFormForEvidence() throws {
        let text = LinkRequest.change(index: 4, netnsFD: 7, name: "lcf0", up: true).description
        #expect(text == "RTM_NEWLINK ifindex=4 IFF_UP IFLA_NET_NS_FD IFLA_IFNAME=lcf0")
    }

    @Test func addAnIPv4Address() throws {
        let encoded = try AddressRequest.add(index: 7, family: 2, address: [10, 1, 2, 3], prefixLength: 24).encoded(seq: 8)
        let ifaddr: [UInt8] = [2, 24, 0, 0] + B.le32(7)           // family, prefix, flags, scope, index
        let body = ifaddr + B.attr(2, [10, 1, 2, 3]) + B.attr(1, [10, 1, 2, 3])   // IFA_LOCAL, IFA_ADDRESS
        let flags = request | UInt16(NLM_F_CREATE | NLM_F_EXCL)
        #expect(encoded == B.message(type: 20, flags: flags, seq: 8, body: body))
    }

    @Test func addADefaultRouteViaAGateway() throws {
        let encoded = try RouteRequest.add(index: 7, family: 2, destination: [0, 0, 0, 0], prefixLength: 0,
                                       gateway: [10, 1, 2, 1]).encoded(seq: 9)
        // rtmsg: family, dst_len, src_len, tos, table main, protocol boot, scope universe, type unicast, flags.
        let rtmsg: [UInt8] = [2, 0, 0, 0, 254, 3, 0, 1] + B.le32(0)
        let body = rtmsg + B.attr(5, [10, 1, 2, 1]) + B.u32(4, 7)   // RTA_GATEWAY, RTA_OIF (no RTA_DST for /0)
        let flags = request | UInt16(NLM_F_CREATE | NLM_F_EXCL)
        #expect(encoded == B.message(type: 24, flags: flags, seq: 9, body: body))
        #expect(RouteRequest.add(index: 7, family: 2, destination: [0, 0, 0, 0], prefixLength: 0,
                                 gateway: [10, 1, 2, 1]).description == "RTM_NEWROUTE 0.0.0.0/0 via 10.1.2.1 oif=7")
    }
}
