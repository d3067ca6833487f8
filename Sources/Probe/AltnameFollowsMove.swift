import Capabilities
import Netlink

extension Experiment {
    /// Decided by resolution, not by the altname list: before 8e15aee62161 the moved link still lists its
    /// altname in the target while the name stays registered in the source (seen on Debian 5.10.218 and
    /// 5.10.251; docs/experiments.md, altname.followsMove).
    static let altnameFollowsMove = Experiment(
        id: .altnameFollowsMove,
        meaning: "a device's alternative names go with it: afterwards they resolve in the container and are free again in the host",
        metadata: CapabilityMetadata(upstreamCommit: "8e15aee62161", firstRelease: "v6.6")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        if let skipped = try lab.addAltName(ProbeNames.altName, to: link) { return skipped }
        let run = try lab.moveAndRename(link, to: ProbeNames.final)
        if let error = run.error, run.inTarget == nil {
            return .refused(error, run.evidence, unsupportedOn: [], meaning: "the move failed")
        }
        guard let arrived = run.inTarget else {
            return Conclusion(.inconclusive, "the link did not arrive in the target", run.evidence)
        }
        let checks = [
            lab.check(lookup: ProbeNames.altName, in: .source, expect: .resolvesNowhere),
            lab.check(lookup: ProbeNames.altName, in: .target, expect: .resolvesTo(arrived)),
            try lab.check(reuse: ProbeNames.altName, in: .source),
        ]
        // Where the name stayed registered in the source, retire the moved link while both namespaces live.
        let stayedBehind = checks[0].holds == false
        var evidence = run.evidence
        evidence.outcome = [run.whereabouts, "altnames listed in the target: [\(arrived.altNames.joined(separator: ", "))]",
                            stayedBehind ? lab.retire(arrived.index, in: .target) : nil].compactMap { $0 }.joined(separator: "; ")
        return .judged(checks, evidence, supported: "the altname moved: it resolves in the target only, and the source can give it out again")
    }
}

extension Lab {
    /// Gives `link` an alternative name; returns a `skipped` (or `inconclusive`) answer when the kernel has
    /// no altnames at all, since then altname behaviour is moot.
    func addAltName(_ altName: String, to link: LinkMessage, in side: Side = .source) throws -> Conclusion? {
        let request = LinkRequest.addAltName(index: link.index, altName)
        guard let error = attempt(request, in: side) else { return nil }
        let evidence = Evidence(request: request.description, errno: error.errno.rawValue,
                                errnoName: error.errno.name, extack: error.extack)
        if error.errno.isPermission { return .notPermitted(error.errno, evidence) }
        if error.errno == .notSupportedOnSocket || error.errno == .invalidArgument {
            return Conclusion(.skipped, "this kernel has no alternative names (\(error.errno.name), v5.5+)", evidence)
        }
        return Conclusion(.inconclusive, "adding an altname failed: \(error)", evidence)
    }
}
