import Capabilities

extension Experiment {
    /// 7663d522099e made __dev_change_net_namespace check the device's altnames against the target before
    /// anything moves. The refusal alone is not enough: afterwards, by resolution, the altname must still
    /// name the link in the source and the bystander in the target.
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
        let checks = { [
            lab.check(lookup: ProbeNames.altName, in: .source, expect: .resolvesTo(link)),
            lab.check(lookup: ProbeNames.altName, in: .target, expect: .resolvesTo(bystander)),
        ] }
        if let moved = run.inTarget {
            var evidence = run.evidence
            evidence.lookups = checks().map(\.lookup)
            if let note = lab.retire(moved.index, in: .target) { evidence.outcome = run.whereabouts + "; " + note }
            return Conclusion(.unsupported, "moved although its altname was taken in the target: \(run.whereabouts)", evidence)
        }
        guard let error = run.error else {
            return Conclusion(.inconclusive, "acknowledged, but the link is not in the target", run.evidence)
        }
        guard error.errno == .fileExists, run.inSource != nil else {
            return .refused(error, run.evidence, unsupportedOn: [], meaning: "")
        }
        return .judged(checks(), run.evidence,
                       supported: "refused with EEXIST before moving; the altname still names the link in the source and the bystander in the target")
    }
}
