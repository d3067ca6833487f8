import Capabilities
import Netlink

extension Experiment {
    static let altnameFollowsMove = Experiment(
        id: .altnameFollowsMove,
        meaning: "a device's alternative names move with it into the container",
        metadata: CapabilityMetadata(upstreamCommit: "8e15aee62161, 7663d522099e", firstRelease: "v6.6 (6.1.60+ stable)")
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
        var evidence = run.evidence
        evidence.outcome = run.whereabouts + "; altnames in target: [\(arrived.altNames.joined(separator: ", "))]"
        guard arrived.altNames.contains(ProbeNames.altName) else {
            return Conclusion(.unsupported, "the altname stayed behind", evidence)
        }
        return Conclusion(.supported, "the altname moved with the link", evidence)
    }
}

extension Lab {
    /// Gives `link` an alternative name; returns a `skipped` (or `inconclusive`) answer when the kernel has
    /// no altnames at all, since then altname behaviour is moot.
    func addAltName(_ altName: String, to link: LinkMessage, in side: Side = .source) throws -> Conclusion? {
        let request = LinkRequest.addAltName(index: link.index, altName)
        do {
            try requests(side).perform(request)
            return nil
        } catch {
            let evidence = Evidence(request: request.description, errno: error.errno.rawValue,
                                    errnoName: error.errno.name, extack: error.extack)
            if error.errno.isPermission {
                return Conclusion(.inconclusive, "not permitted (\(error.errno.name)): needs CAP_NET_ADMIN", evidence)
            }
            if error.errno == .EOPNOTSUPP || error.errno == .EINVAL {
                return Conclusion(.skipped, "this kernel has no alternative names (\(error.errno.name), v5.5+)", evidence)
            }
            return Conclusion(.inconclusive, "adding an altname failed: \(error)", evidence)
        }
    }
}
