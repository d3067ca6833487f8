import CShims
@testable import Netlink
import Testing

/// A message length no kernel sends, found by the netlink fuzz target (Fuzzing/Regressions/netlink/
/// nlmsg-len-2gib): (int)0x80000010 is negative, so libmnl's mnl_nlmsg_ok let it through and the next
/// header was read 2 GiB away.
@Suite struct MessageLengthTests {
    static let seq: UInt32 = 7
    let huge = NetlinkBytes.le32(0x8000_0010) + NetlinkBytes.le16(UInt16(RTM_NEWLINK)) + [0, 0]
        + NetlinkBytes.le32(seq) + NetlinkBytes.le32(0) + NetlinkBytes.ifinfo(index: 3)

    @Test func aLengthOf2GiBEndsTheReply() throws {
        var reply = Reply(seq: Self.seq, portID: 0, isDump: true, operation: "RTM_GETLINK")
        #expect(try reply.read(huge) == false)
        #expect(reply.links.isEmpty)
    }

    @Test func aLengthOf2GiBEndsTheEvents() {
        #expect(LinkMessage.parseAll(huge).isEmpty)
        #expect(LinkMessage.parseAll(huge + huge).isEmpty)
    }
}
