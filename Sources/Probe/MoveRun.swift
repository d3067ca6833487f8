import Capabilities
import Netlink

/// The common act of most experiments: one RTM_NEWLINK that moves a link to the target namespace and
/// renames it, with what each namespace saw and where the link was found afterwards.
struct MoveRun {
    let request: LinkRequest
    let error: NetlinkError?
    let sourceEvents: [ObservedEvent]
    let targetEvents: [ObservedEvent]
    /// The link as the source still holds it (nil once it left).
    let inSource: LinkMessage?
    /// The link in the target namespace (nil if it never arrived).
    let inTarget: LinkMessage?

    var evidence: Evidence {
        Evidence(request: request.description, errno: error?.errno.rawValue ?? 0, errnoName: error?.errno.name,
                 extack: error?.extack, source: sourceEvents, target: targetEvents, outcome: whereabouts)
    }

    var whereabouts: String {
        var parts: [String] = []
        if let inTarget {
            parts.append("in target as \(inTarget.name ?? "?") (ifindex \(inTarget.index), \(inTarget.isUp ? "UP" : "DOWN"))")
        }
        if let inSource {
            parts.append("still in source as \(inSource.name ?? "?")")
        } else {
            parts.append("gone from source")
        }
        if inTarget == nil && inSource == nil { parts.append("not found in target") }
        return parts.joined(separator: "; ")
    }
}

extension Lab {
    /// Moves `link` into the target under `name` in one request, then looks for it on both sides.
    func moveAndRename(_ link: LinkMessage, to name: String, up: Bool? = nil, newIfindex: Int32? = nil,
                       mtu: UInt32? = nil, address: [UInt8]? = nil) throws -> MoveRun {
        let before = try indices(.target)
        try startRecording()
        let request = LinkRequest.change(index: link.index, netnsFD: target.fd, name: name, up: up, mtu: mtu,
                                         address: address, newIfindex: newIfindex)
        let error = attempt(request)
        let seen = try recorded(sourceIndex: link.index, preexistingInTarget: before)
        let arrived = try requests(.target).links().first { !before.contains($0.index) }
        let stayed = try requests(.source).link(index: link.index)
        return MoveRun(request: request, error: error, sourceEvents: seen.source, targetEvents: seen.target,
                       inSource: stayed, inTarget: arrived)
    }
}

extension Lab {
    /// The in-flight path (docs/experiments.md, move.inFlightRenameOnClash): the target already holds a link
    /// under the device's current name (lcp0), so __dev_change_net_namespace must apply the new name during
    /// the move itself.
    func moveWithCurrentNameTaken() throws -> MoveRun {
        try makeLink(ProbeNames.original, in: .target)
        let link = try makeLink(ProbeNames.original, up: true)
        return try moveAndRename(link, to: ProbeNames.final)
    }
}

extension Conclusion {
    /// Whether every event the source saw for the moved link carried the original name.
    static func sourceSawOnlyOriginalName(_ run: MoveRun) -> Conclusion {
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
