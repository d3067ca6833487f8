import Capabilities

extension Experiment {
    static let moveUpInSameRequest = Experiment(
        id: .moveUpInSameRequest,
        meaning: "IFF_UP in the move request leaves the device UP in the container (no second request)",
        metadata: CapabilityMetadata(upstreamCommit: nil, firstRelease: "always")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        let run = try lab.moveAndRename(link, to: ProbeNames.final, up: true)
        if let error = run.error, run.inTarget == nil {
            return .refused(error, run.evidence, unsupportedOn: [.invalidArgument], meaning: "the move with IFF_UP failed")
        }
        guard let arrived = run.inTarget else {
            return Conclusion(.unsupported, "the link did not arrive in the target", run.evidence)
        }
        guard arrived.isUp else {
            return Conclusion(.unsupported, "the link arrived DOWN despite IFF_UP in the request", run.evidence)
        }
        return Conclusion(.supported, "the link arrived renamed and UP", run.evidence)
    }
}
