import Capabilities

extension Experiment {
    static let moveSingleRequest = Experiment(
        id: .moveSingleRequest,
        meaning: "one RTM_NEWLINK moves an UP link to another namespace and renames it",
        metadata: CapabilityMetadata(upstreamCommit: nil, firstRelease: "always")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        let run = try lab.moveAndRename(link, to: ProbeNames.final)
        if let error = run.error {
            if run.inTarget != nil {
                return Conclusion(.unsupported, "the link moved but the request failed with \(error.errno.name)", run.evidence)
            }
            return .refused(error, run.evidence, unsupportedOn: [.invalidArgument, .notSupportedOnSocket, .fileExists],
                            meaning: "the kernel refused the one-request move")
        }
        guard let arrived = run.inTarget, run.inSource == nil else {
            return Conclusion(.unsupported, "acknowledged, but the link did not leave the source", run.evidence)
        }
        guard arrived.name == ProbeNames.final else {
            return Conclusion(.unsupported, "moved but arrived as \(arrived.name ?? "?"), not renamed", run.evidence)
        }
        return Conclusion(.supported, "moved and renamed by one request; found in the target as \(ProbeNames.final)", run.evidence)
    }
}
