import Capabilities

extension Experiment {
    static let moveInFlightRenameOnClash = Experiment(
        id: .moveInFlightRenameOnClash,
        meaning: "when the device's host name exists in the container, the container sees only the final name",
        metadata: CapabilityMetadata(upstreamCommit: nil, firstRelease: "always")
    ) { lab in
        let run = try lab.moveWithCurrentNameTaken()
        if let error = run.error {
            return .refused(error, run.evidence, unsupportedOn: [.fileExists],
                            meaning: "the move with the old name present in the target failed")
        }
        let names = Set(run.targetEvents.compactMap(\.name))
        guard !names.isEmpty else {
            return Conclusion(.inconclusive, "the target namespace saw no event for the link", run.evidence)
        }
        guard names == [ProbeNames.final], run.inTarget?.name == ProbeNames.final else {
            return Conclusion(.unsupported, "the target saw \(names.sorted().joined(separator: ", "))", run.evidence)
        }
        return Conclusion(.supported, "renamed in flight: the target saw only \(ProbeNames.final)", run.evidence)
    }
}
