import Capabilities

extension Experiment {
    static let moveNewIfindex = Experiment(
        id: .moveNewIfindex,
        meaning: "a move can choose the device's ifindex in the container (IFLA_NEW_IFINDEX)",
        metadata: CapabilityMetadata(upstreamCommit: "eeb85a14ee34", firstRelease: "v5.13")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        let run = try lab.moveAndRename(link, to: ProbeNames.final, newIfindex: ProbeNames.newIfindex)
        if let error = run.error, run.inTarget == nil {
            return .refused(error, run.evidence, unsupportedOn: [.invalidArgument, .notSupportedOnSocket],
                            meaning: "IFLA_NEW_IFINDEX refused")
        }
        guard let arrived = run.inTarget else {
            return Conclusion(.inconclusive, "the link did not arrive in the target", run.evidence)
        }
        guard arrived.index == ProbeNames.newIfindex else {
            return Conclusion(.unsupported, "arrived with ifindex \(arrived.index), not \(ProbeNames.newIfindex)", run.evidence)
        }
        return Conclusion(.supported, "arrived with the requested ifindex \(ProbeNames.newIfindex)", run.evidence)
    }
}
