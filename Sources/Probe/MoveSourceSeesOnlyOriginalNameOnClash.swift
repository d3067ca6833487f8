import Capabilities

extension Experiment {
    /// The in-flight path: lcp0 is taken in the target, so the kernel renames during the move. Before
    /// 311cca40661f the new name was written into the device before the source was told it left, so the
    /// source's RTM_NEWLINK (DOWN) and RTM_DELLINK carried lcf0.
    static let moveSourceSeesOnlyOriginalNameOnClash = Experiment(
        id: .moveSourceSeesOnlyOriginalNameOnClash,
        meaning: "when the device's host name exists in the container (renamed in flight), the host still sees only that name",
        metadata: CapabilityMetadata(upstreamCommit: "311cca40661f", firstRelease: "v6.6")
    ) { lab in
        let run = try lab.moveWithCurrentNameTaken()
        if let error = run.error, run.inTarget == nil {
            return .refused(error, run.evidence, unsupportedOn: [], meaning: "the move failed")
        }
        guard run.inTarget?.name == ProbeNames.final else {
            return Conclusion(.inconclusive, "the in-flight path was not taken: \(run.whereabouts)", run.evidence)
        }
        return .sourceSawOnlyOriginalName(run)
    }
}
