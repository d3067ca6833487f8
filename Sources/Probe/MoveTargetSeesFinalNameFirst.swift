import Capabilities

extension Experiment {
    static let moveTargetSeesFinalNameFirst = Experiment(
        id: .moveTargetSeesFinalNameFirst,
        meaning: "without a name clash, the container's first event already carries the final name",
        metadata: CapabilityMetadata(upstreamCommit: nil, firstRelease: "none")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        let run = try lab.moveAndRename(link, to: ProbeNames.final)
        if let error = run.error, run.inTarget == nil {
            return .refused(error, run.evidence, unsupportedOn: [], meaning: "the move failed")
        }
        guard let first = run.targetEvents.first else {
            return Conclusion(.inconclusive, "the target namespace saw no event for the link", run.evidence)
        }
        guard first.name == ProbeNames.final else {
            return Conclusion(.unsupported, "the target first saw \(first.name ?? "no name"), then the rename", run.evidence)
        }
        return Conclusion(.supported, "the target's first event already carried \(ProbeNames.final)", run.evidence)
    }
}
