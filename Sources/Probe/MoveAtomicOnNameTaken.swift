import Capabilities

extension Experiment {
    static let moveAtomicOnNameTaken = Experiment(
        id: .moveAtomicOnNameTaken,
        meaning: "a move whose new name is taken in the container fails before anything moves",
        metadata: CapabilityMetadata(upstreamCommit: nil, firstRelease: "none"),
        // The failed request has already moved the link, so every kernel prints "A link change request
        // failed with some changes committed already" (DO_SETLINK_MODIFIED) at warning level, which node
        // monitoring pages for; the answer is `none` in the catalogue, the same on every tree read.
        onlyWhenAsked: "leaves a warning in the kernel log"
    ) { lab in
        try lab.makeLink(ProbeNames.final, in: .target)
        let link = try lab.makeLink(ProbeNames.original, up: true)
        let run = try lab.moveAndRename(link, to: ProbeNames.final)
        guard let error = run.error else {
            return Conclusion(.inconclusive, "the kernel accepted a name that was taken", run.evidence)
        }
        guard error.errno == .fileExists else {
            return .refused(error, run.evidence, unsupportedOn: [], meaning: "")
        }
        if run.inTarget != nil {
            return Conclusion(.unsupported, "EEXIST, but the link was moved anyway: \(run.whereabouts)", run.evidence)
        }
        guard run.inSource?.name == ProbeNames.original else {
            return Conclusion(.inconclusive, "EEXIST, and the link is in neither namespace", run.evidence)
        }
        return Conclusion(.supported, "refused with EEXIST; the link stayed in the source unchanged", run.evidence)
    }
}
