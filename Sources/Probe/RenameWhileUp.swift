import Capabilities
import Netlink

extension Experiment {
    static let renameWhileUp = Experiment(
        id: .renameWhileUp,
        meaning: "a device can be renamed in place while UP (step-wise plugins need not take it down)",
        metadata: CapabilityMetadata(upstreamCommit: "bd039b5ea2a9", firstRelease: "v6.2")
    ) { lab in
        let link = try lab.makeLink(ProbeNames.original, up: true)
        try lab.startRecording()
        let request = LinkRequest.change(index: link.index, name: ProbeNames.final)
        let error = lab.attempt(request)
        let seen = try lab.recorded(sourceIndex: link.index, preexistingInTarget: [])
        let now = try lab.requests(.source).link(index: link.index)
        let evidence = Evidence(request: request.description, errno: error?.errno.rawValue ?? 0,
                                errnoName: error?.errno.name, extack: error?.extack, source: seen.source,
                                outcome: now.map { "in source as \($0.name ?? "?"), \($0.isUp ? "UP" : "DOWN")" })
        if let error {
            return .refused(error, evidence, unsupportedOn: [.resourceBusy], meaning: "renaming an UP link is refused")
        }
        guard now?.name == ProbeNames.final, now?.isUp == true else {
            return Conclusion(.unsupported, "acknowledged but the link is not UP under the new name", evidence)
        }
        return Conclusion(.supported, "renamed while UP", evidence)
    }
}
