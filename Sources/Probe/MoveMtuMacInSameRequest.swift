import Capabilities

extension Experiment {
    /// do_setlink applies IFLA_ADDRESS and IFLA_MTU after __dev_change_net_namespace, in the target, in every
    /// tree examined (4.19, 5.10, 6.1, 6.18): one request can move, rename and set both (as dranet does).
    static let moveMtuMacInSameRequest = Experiment(
        id: .moveMtuMacInSameRequest,
        meaning: "MTU and MAC sent in the move request itself are applied in the container (no second request)",
        metadata: CapabilityMetadata(upstreamCommit: nil, firstRelease: "always")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        let run = try lab.moveAndRename(link, to: ProbeNames.final, mtu: ProbeNames.mtu, address: ProbeNames.mac)
        var evidence = run.evidence
        if let arrived = run.inTarget {
            evidence.outcome = run.whereabouts + "; mtu \(arrived.mtu.map(String.init) ?? "?"), mac \(arrived.macAddress ?? "?")"
        }
        if let error = run.error {
            // A refused MTU or MAC is the device's answer (its limits), not the kernel's order of work.
            return .refused(error, evidence, unsupportedOn: [], meaning: "the move with MTU and MAC failed")
        }
        guard let arrived = run.inTarget, arrived.name == ProbeNames.final else {
            return Conclusion(.inconclusive, "the link did not arrive as \(ProbeNames.final)", evidence)
        }
        guard arrived.mtu == ProbeNames.mtu, arrived.address == ProbeNames.mac else {
            return Conclusion(.unsupported, "arrived with mtu \(arrived.mtu.map(String.init) ?? "?") and mac \(arrived.macAddress ?? "?")", evidence)
        }
        return Conclusion(.supported, "arrived as \(ProbeNames.final) with mtu \(ProbeNames.mtu) and mac \(arrived.macAddress ?? "")", evidence)
    }
}
