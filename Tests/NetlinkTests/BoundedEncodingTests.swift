import CShims
import Glibc
@testable import Netlink
import Testing

/// No request can overrun its buffer, whatever its input: every put is checked against the capacity
/// (libmnl's `_check` putters) and a request that does not fit is EMSGSIZE. Before, a 40 KB name was
/// copied past the 32 KB buffer (heap corruption: "free(): invalid next size", SIGABRT).
@Suite struct BoundedEncodingTests {
    /// Encodes into a buffer with `capacity` usable bytes followed by a guard zone, and checks that the
    /// guard zone is untouched whatever happened.
    func encode(_ request: some NetlinkRequest, capacity: Int) throws(NetlinkError) -> [UInt8] {
        let guardZone = 256
        let base = UnsafeMutableRawPointer.allocate(byteCount: capacity + guardZone, alignment: 16)
        defer { base.deallocate() }
        base.initializeMemory(as: UInt8.self, repeating: 0xA5, count: capacity + guardZone)
        defer {
            let tail = UnsafeRawBufferPointer(start: base + capacity, count: guardZone)
            #expect(tail.allSatisfy { $0 == 0xA5 }, "bytes past the capacity were written")
        }
        let length = try request.encode(seq: 1, portID: 0, into: base, capacity: capacity)
        #expect(length <= capacity)
        return Array(UnsafeRawBufferPointer(start: base, count: length))
    }

    func isTooLong(_ error: any Error) -> Bool { (error as? NetlinkError)?.errno == .messageTooLong }

    @Test func aFortyKilobyteNameIsRefusedNotCopied() throws {
        let name = String(repeating: "a", count: 40_000)
        for request in [LinkRequest.get(name: name), .get(altName: name), .change(index: 3, name: name),
                        .change(index: 3, alias: name), .addAltName(index: 3, name), .create(name: "x", kind: "veth", peerName: name)] {
            #expect(performing: { try request.encoded(seq: 1) }, throws: isTooLong)
            #expect(performing: { try encode(request, capacity: 32_768) }, throws: isTooLong)
        }
        #expect(performing: { try AddressRequest.add(index: 1, family: 2, address: [UInt8](repeating: 1, count: 40_000), prefixLength: 8).encoded(seq: 1) },
                throws: isTooLong)
    }

    /// At the exact size a request fits; one byte less and it is refused, for every kind of attribute.
    @Test func theBoundIsExact() throws {
        let requests: [LinkRequest] = [.get(name: "eth0"), .change(index: 9, netnsFD: 5, name: "net1", up: true, alias: "eth9", mtu: 1500,
                                                                    address: [2, 0, 0, 0, 0, 1], newIfindex: 4242),
                                       .create(name: "lcp0", kind: "veth", peerName: "lcp0p"), .addAltName(index: 6, "uplink-a")]
        for request in requests {
            let full = try request.encoded(seq: 1)
            #expect(try encode(request, capacity: full.count) == full)
            #expect(performing: { try encode(request, capacity: full.count - 1) }, throws: isTooLong)
        }
        #expect(performing: { try encode(LinkRequest.dump(), capacity: 8) }, throws: isTooLong)
    }

    /// A name with a NUL would be cut there by C, and the kernel would act on another link.
    @Test func aNULInsideAStringIsRefused() {
        #expect(performing: { try LinkRequest.get(name: "eth0\u{0}eth1").encoded(seq: 1) },
                throws: { ($0 as? NetlinkError)?.errno == .invalidArgument && "\($0)".contains("NUL") })
    }

    /// The real socket path refuses it too (nothing is sent); no privilege needed to open the socket.
    @Test func theSocketRefusesBeforeSending() throws {
        let socket = try RouteSocket()
        #expect(performing: { try socket.link(named: String(repeating: "b", count: 40_000)) }, throws: isTooLong)
        #expect(try socket.link(index: 1) != nil, "the socket still works afterwards")
    }

    @Test func socketsAreCloseOnExec() throws {
        let socket = try RouteSocket()
        #expect(fcntl(socket.fileDescriptor, F_GETFD) & FD_CLOEXEC != 0)
    }
}

/// Replies are parsed input: whatever their headers claim, reading stays inside the datagram and a
/// strange value is an error, never a trap.
@Suite struct HostileReplyTests {
    func header(length: Int, type: UInt16, flags: UInt16 = 0, seq: UInt32 = 7, pid: UInt32 = 9) -> [UInt8] {
        NetlinkBytes.le32(UInt32(length)) + NetlinkBytes.le16(type) + NetlinkBytes.le16(flags) + NetlinkBytes.le32(seq) + NetlinkBytes.le32(pid)
    }

    func read(_ bytes: [UInt8]) -> Result<Bool, NetlinkError> {
        var reply = Reply(seq: 7, portID: 9, isDump: false, operation: "RTM_GETLINK")
        return Result { () throws(NetlinkError) in try reply.read(bytes) }
    }

    @Test func anErrorOfIntMinIsEPROTO() {
        let message = header(length: 36, type: UInt16(NLMSG_ERROR)) + NetlinkBytes.le32(0x8000_0000) + header(length: 16, type: 18)
        guard case .failure(let error) = read(message) else { Issue.record("accepted"); return }
        #expect(error.errno == .protocolError)
    }

    @Test func anEchoedLengthPointingOutsideIsIgnored() {
        for echoed in [0, 15, 0x7fff_ffff, 0xffff_ffff] as [UInt32] {
            let body = NetlinkBytes.le32(UInt32(bitPattern: -22)) + NetlinkBytes.le32(echoed) + [UInt8](repeating: 0, count: 12)
            let message = header(length: 16 + body.count, type: UInt16(NLMSG_ERROR), flags: UInt16(NLM_F_ACK_TLVS)) + body
            guard case .failure(let error) = read(message) else { Issue.record("accepted"); continue }
            #expect(error.errno == .invalidArgument && error.extack == nil, "echoed \(echoed)")
        }
    }

    /// An extended-ack text without its NUL is read only as far as its attribute goes.
    @Test func anUnterminatedExtackIsBounded() {
        let text = Array("no terminator here".utf8)
        let attribute = NetlinkBytes.le16(UInt16(4 + text.count)) + NetlinkBytes.le16(UInt16(NLMSGERR_ATTR_MSG.rawValue)) + text
        let padded = attribute + [UInt8](repeating: 0x41, count: (4 - attribute.count % 4) % 4)
        let body = NetlinkBytes.le32(UInt32(bitPattern: -1)) + header(length: 16, type: 18) + padded
        let message = header(length: 16 + body.count, type: UInt16(NLMSG_ERROR), flags: UInt16(NLM_F_ACK_TLVS | NLM_F_CAPPED)) + body
        guard case .failure(let error) = read(message) else { Issue.record("accepted"); return }
        #expect(error.errno == .notPermitted && error.extack == "no terminator here")
    }

    @Test func truncatedAndLyingHeadersEndTheDatagram() throws {
        #expect(try read([1, 2, 3]).get() == false)
        #expect(try read(header(length: 4096, type: 16)).get() == false, "a length past the datagram")
        #expect(try read(header(length: 8, type: 16)).get() == false, "a length shorter than a header")
        let ack = header(length: 36, type: UInt16(NLMSG_ERROR)) + NetlinkBytes.le32(0) + header(length: 16, type: 18)
        #expect(try read(ack).get() == true)
        #expect(LinkMessage.parseAll(header(length: 20, type: 16) + [0, 0, 0, 0]).isEmpty, "a link message without its ifinfomsg")
    }
}
