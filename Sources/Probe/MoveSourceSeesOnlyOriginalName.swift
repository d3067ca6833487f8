import Capabilities
import Netlink

extension Experiment {
    static let moveSourceSeesOnlyOriginalName = Experiment(
        id: .moveSourceSeesOnlyOriginalName,
        meaning: "udev/NetworkManager in the host never see a temporary name during a move + rename",
        metadata: CapabilityMetadata(upstreamCommit: "311cca40661f (collision case)", firstRelease: "v6.6")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        let run = try lab.moveAndRename(link, to: ProbeNames.final)
        if let error = run.error, run.inTarget == nil {
            return .refused(error, run.evidence, unsupportedOn: [], meaning: "the move failed")
        }
        guard !run.sourceEvents.isEmpty else {
            return Conclusion(.inconclusive, "the source namespace saw no event for the link", run.evidence)
        }
        let foreign = Set(run.sourceEvents.compactMap(\.name)).subtracting([ProbeNames.original])
        guard foreign.isEmpty else {
            return Conclusion(.unsupported, "the source saw other names: \(foreign.sorted().joined(separator: ", "))", run.evidence)
        }
        return Conclusion(.supported, "the source saw only \(ProbeNames.original) (\(run.sourceEvents.count) events)", run.evidence)
    }
}
