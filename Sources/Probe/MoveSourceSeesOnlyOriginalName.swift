import Capabilities

extension Experiment {
    /// The path without a clash: the device leaves under its own name and is renamed in the target, so the
    /// source's RTM_NEWLINK (DOWN) and RTM_DELLINK carry lcp0 on every kernel examined.
    static let moveSourceSeesOnlyOriginalName = Experiment(
        id: .moveSourceSeesOnlyOriginalName,
        meaning: "without a name clash, udev/NetworkManager in the host see only the device's own name during a move + rename",
        metadata: CapabilityMetadata(upstreamCommit: nil, firstRelease: "always")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        let run = try lab.moveAndRename(link, to: ProbeNames.final)
        if let error = run.error, run.inTarget == nil {
            return .refused(error, run.evidence, unsupportedOn: [], meaning: "the move failed")
        }
        return .sourceSawOnlyOriginalName(run)
    }
}
