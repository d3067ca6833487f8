import Capabilities
import FuzzSupport
@testable import HostDevice
@testable import Netlink
import Policy

/// Netlink datagrams as a route socket receives them: replies (link messages, ACKs, errors with extended
/// ACK attributes, a dump's DONE) and link events. Copied into a buffer of exactly their size, so a read
/// past the datagram is an ASan report here, where the socket's larger buffer would hide it as stale bytes.
/// Read by Reply (the exchange of every request) and LinkMessage.parseAll (events); then
/// what the plugin derives from a link: its facts, its alias record, and the plan that moves it.
func fuzzNetlink(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    let datagram = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
    defer { datagram.deallocate() }
    bytes.withUnsafeBytes { if let base = $0.baseAddress { datagram.copyMemory(from: base, byteCount: size) } }
    // A reply answers the first message's sequence number and port, so captured replies are ours.
    var seq: UInt32 = 0, port: UInt32 = 0
    if size >= 16 {
        seq = datagram.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        port = datagram.loadUnaligned(fromByteOffset: 12, as: UInt32.self)
    }
    for isDump in [false, true] {
        var reply = Reply(seq: seq, portID: port, isDump: isDump, operation: "RTM_GETLINK")
        do { _ = try reply.read(datagram, length: size) } catch { _ = error.description }
        reply.links.forEach(derive)
    }
    LinkMessage.parseAll(bytes).forEach(derive)
    return 0
}

private func derive(_ link: LinkMessage) {
    _ = link.macAddress
    let facts = DeviceFacts(name: link.name ?? "", index: link.index, up: link.isUp, mtu: link.mtu ?? 0,
                            mac: link.address.flatMap(MACAddress.init(bytes:)), altNames: link.altNames, alias: link.alias)
    _ = AliasRecord.owner(link.alias)
    if let original = AliasRecord.decode(link.alias) {
        // The record's MAC reads back as written, or is named as malformed: never both, never neither.
        if let mac = original.mac { invariant(MACAddress(mac.description) == mac, "a MAC does not read back: \(mac)") }
        if let malformed = AliasRecord.malformedMAC(link.alias) {
            invariant(original.mac == nil && MACAddress(malformed) == nil, "a MAC both read and refused: \(malformed)")
        }
        _ = try? Planner.plan(PlanRequest(report: report, device: facts, direction: .out, wantedName: original.name,
                                          target: NamespaceContents(), original: original))
    }
    _ = try? Planner.plan(PlanRequest(report: report, device: facts, direction: .into, wantedName: "eth0",
                                      target: NamespaceContents(names: ["eth0"])))
}

private let report = uniformReport(.supported)

runFuzzer { fuzzNetlink($0, $1) }
