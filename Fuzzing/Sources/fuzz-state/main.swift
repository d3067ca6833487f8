import Capabilities
import FuzzSupport
@testable import HostDevice
import JSONText
import Netlink
import Policy

/// An attachment's state file (LINKCAPS_STATE_DIR, /var/lib/cni/linkcaps): read back by DEL, CHECK and GC,
/// possibly after an older or newer plugin, a crash or someone else wrote it. Read as StateStore.read does
/// (the JSON reader, then Attachment); then what DEL derives from the record before the first system call:
/// the plan back to the host and the requests its steps become (as Mover.perform and restoreInHost build
/// them), and the alias record the device is recognised by. DPDK records (`"mode": "dpdk"`) are read and
/// written back the same way.
func fuzzState(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    guard let json = try? JSON.parse(bytes), let attachment = try? Attachment(json) else { return 0 }
    // Written by save() and read back by read(): a record must survive its own round trip.
    let written = attachment.json.text
    invariant((try? JSON.parse(written)).flatMap { try? Attachment($0) } != nil,
              "a state record does not read back after it is written: \(written)")
    // A DPDK record holds a PCI function and no net device: DEL and GC only drop it (after IPAM), so
    // nothing below is derived from it.
    guard let original = attachment.original, let index = attachment.index else {
        invariant(attachment.function != nil, "a record with neither a net device nor a PCI function: \(written)")
        return 0
    }
    let alias = AliasRecord.encode(original, owner: attachment.owner)
    invariant(AliasRecord.owner(alias) == attachment.owner && AliasRecord.decode(alias) != nil,
              "the alias record does not name its attachment back: \(alias)")
    _ = StateStore.fileName(network: attachment.network, containerID: attachment.containerID, ifname: attachment.ifname)

    // The device as DEL finds it in the container: under CNI_IFNAME, with whatever the container did to it.
    let device = DeviceFacts(name: attachment.ifname, index: index, up: true, mtu: 1500, mac: nil,
                             alias: alias)
    for knowledge in reports.map(KernelKnowledge.report) + [.unknown(reason: "fuzz")] {
        guard let plan = try? Planner.plan(PlanRequest(knowledge: knowledge, device: device, direction: .out,
                                                        wantedName: original.name, target: NamespaceContents(),
                                                        original: original)) else { continue }
        for case .change(let change) in plan.steps.map(\.request) {
            encodeAsSent(LinkRequest.change(index: index, netnsFD: change.moveTo == nil ? nil : 3, name: change.name,
                                            up: change.up, alias: change.alias, mtu: change.mtu, address: change.mac?.bytes))
        }
    }
    // Already in the host (a dying namespace returned it): restoreInHost's single request.
    encodeAsSent(LinkRequest.change(index: index, name: original.name, up: original.up,
                                    alias: original.alias ?? "", mtu: original.mtu, address: original.mac?.bytes))
    return 0
}

private let reports = [uniformReport(.supported), uniformReport(.unsupported)]

runFuzzer { fuzzState($0, $1) }
