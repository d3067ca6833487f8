import CShims
@testable import Netlink
import SystemCalls
import SystemPackage
import Testing
import TestSupport

/// Parsing of datagrams captured from a real kernel (Fixtures/netlink/<release>/, see CaptureFixtures):
/// a veth `lcp0` with altname `lc-probe-altname0`, moved and renamed to `lcf0` by one request into a
/// namespace that holds `lcq0`.
@Suite("Parsing captured replies and events")
struct ReplyParsingTests {
    static let release = "6.18.44-fc-v1147"

    func messages(_ file: String) throws -> [LinkMessage] {
        try readLines(TestEnvironment.fixture("netlink/\(Self.release)/\(file).hex"))
            .flatMap { LinkMessage.parseAll(NetlinkBytes.fromHex($0)) }
    }

    /// Link-layer addresses as iproute2 prints them: two lowercase digits per byte, colons between.
    @Test func macAddressText() {
        var link = LinkMessage(kind: .new, index: 1, flags: 0, name: "x")
        #expect(link.macAddress == nil)
        link.address = [0x0a, 0xbc, 0x00, 0xff, 0x10, 0x9e]
        #expect(link.macAddress == "0a:bc:00:ff:10:9e")
        link.address = [0x7]
        #expect(link.macAddress == "07")
        link.address = []
        #expect(link.macAddress == "")
        link.address = (0..<20).map { UInt8($0 * 13 & 0xff) }
        #expect(link.macAddress == link.address!.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":"))
        #expect(hex2(0xa5) == "a5" && hex2(0) == "00")
    }

    @Test func sourceSeesDownThenRemovalUnderTheOriginalName() throws {
        let events = try messages("source-events").filter { $0.name == "lcp0" || $0.kind == .del }
        #expect(events.map(\.kind) == [.new, .del])
        #expect(events.allSatisfy { $0.name == "lcp0" })
        #expect(events.first?.isUp == false)
        let removal = try #require(events.last)
        // Index 3 was taken in the target (by lcq0's peer), so the link got a new one there.
        let arrival = try #require(try messages("target-events").first)
        #expect(removal.newIfindex == arrival.index)
        #expect(removal.newIfindex != removal.index)
        #expect(removal.newNetnsID != nil)
        #expect(removal.altNames == ["lc-probe-altname0"])
        #expect(removal.linkKind == "veth")
    }

    @Test func targetSeesTheOldNameThenTheRename() throws {
        let events = try messages("target-events")
        #expect(events.map(\.kind) == [.new, .new])
        #expect(events.map(\.name) == ["lcp0", "lcf0"])
        #expect(events.allSatisfy { $0.altNames == ["lc-probe-altname0"] })
        #expect(events.first?.mtu == 1500)
        #expect(events.first?.macAddress?.count == 17)
    }

    @Test func getLinkReplyDescribesTheMovedLink() throws {
        let reply = try messages("getlink-reply")
        #expect(reply.count == 1)
        #expect(reply.first?.name == "lcf0")
        #expect(reply.first?.linkKind == "veth")
    }

    /// IFLA_NETNS_IMMUTABLE (67, a u8, v6.15+): the captured 6.18 reply carries it for the veth (0); a
    /// message built by hand carries 1 for lo; a kernel before 6.15 leaves it out (nil, not false).
    @Test func netnsImmutableIsReadOnlyWhereTheKernelSaysIt() throws {
        #expect(try messages("getlink-reply").first?.netnsImmutable == false)
        func lo(_ extra: [UInt8]) -> LinkMessage? {
            LinkMessage.parseAll(NetlinkBytes.message(type: 16, flags: 0, seq: 1,
                                                      body: NetlinkBytes.ifinfo(index: 1) + NetlinkBytes.string(3, "lo") + extra)).first
        }
        #expect(lo(NetlinkBytes.attr(67, [1]))?.netnsImmutable == true)
        #expect(lo([])?.netnsImmutable == nil)
        #expect(lo(NetlinkBytes.attr(67, []))?.netnsImmutable == nil, "an empty attribute is not an answer")
        #expect(lo(NetlinkBytes.attr(67, [1]))?.name == "lo")
    }

    @Test func errorCarriesErrnoAndExtendedAckText() throws {
        let datagram = try #require(try readLines(TestEnvironment.fixture("netlink/\(Self.release)/error-eexist-extack.hex")).first)
        var bytes = NetlinkBytes.fromHex(datagram)
        let ack = bytes.withUnsafeMutableBytes { raw in
            Acknowledgement(raw.baseAddress!.assumingMemoryBound(to: nlmsghdr.self))
        }
        #expect(Errno(rawValue: -ack.errno) == .fileExists)
        #expect(ack.message?.contains("altname lc-clash0") == true)
    }

    @Test func truncatedAndForeignDatagramsYieldNothing() throws {
        let datagram = try #require(try readLines(TestEnvironment.fixture("netlink/\(Self.release)/getlink-reply.hex")).first)
        let bytes = NetlinkBytes.fromHex(datagram)
        #expect(LinkMessage.parseAll(Array(bytes.prefix(20))).isEmpty)
        #expect(LinkMessage.parseAll([]).isEmpty)
        var foreign = bytes
        foreign[4] = 24 // RTM_NEWROUTE
        #expect(LinkMessage.parseAll(foreign).isEmpty)
    }

    @Test func errnoIsTypedAndNamed() {
        #expect(Errno.fileExists.name == "EEXIST")
        #expect(Errno.notPermitted.isPermission && Errno.permissionDenied.isPermission && !Errno.resourceBusy.isPermission)
        #expect(Errno.named("EBUSY") == .resourceBusy)
        #expect(Errno(rawValue: 9999).name == "E9999")
        let error = NetlinkError(errno: .fileExists, extack: "name taken", operation: "RTM_NEWLINK")
        #expect(error.description == "RTM_NEWLINK: EEXIST (File exists): name taken")
    }
}
