import Capabilities
import Netlink

extension Experiment {
    static let altnameClashRejected = Experiment(
        id: .altnameClashRejected,
        meaning: "a move is refused cleanly when one of the device's altnames is taken in the container",
        metadata: CapabilityMetadata(upstreamCommit: "7663d522099e", firstRelease: "v6.6")
    ) { lab in
        let bystander = try lab.makeLink(ProbeNames.bystander, in: .target)
        if let skipped = try lab.addAltName(ProbeNames.altName, to: bystander, in: .target) { return skipped }
        let link = try lab.makeLink(ProbeNames.original, up: true)
        if let skipped = try lab.addAltName(ProbeNames.altName, to: link) { return skipped }
        let run = try lab.moveAndRename(link, to: ProbeNames.final)
        if run.inTarget != nil {
            return Conclusion(.unsupported, "moved although its altname was taken in the target: \(run.whereabouts)", run.evidence)
        }
        guard let error = run.error else {
            return Conclusion(.inconclusive, "acknowledged, but the link is not in the target", run.evidence)
        }
        guard error.errno == .EEXIST, run.inSource != nil else {
            return .refused(error, run.evidence, unsupportedOn: [], meaning: "")
        }
        return Conclusion(.supported, "refused with EEXIST before moving", run.evidence)
    }
}
