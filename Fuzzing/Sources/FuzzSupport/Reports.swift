import Capabilities

/// A report in which every capability has `state`: the policy's two extremes, for targets that plan.
public func uniformReport(_ state: CapabilityState) -> Report {
    var capabilities: [String: CapabilityResult] = [:]
    for id in CapabilityID.allCases {
        capabilities[id.rawValue] = CapabilityResult(state: state, summary: "", evidence: Evidence(), metadata: CapabilityMetadata())
    }
    return Report(tool: .init(name: "linkcaps", version: "fuzz"), kernel: .init(release: "fuzz", version: "fuzz"),
                  bootId: "fuzz", probe: .init(id: "fuzz", startedAt: "", durationMs: 0, linkKind: nil, linkKindNotes: [:],
                                               privileged: true),
                  capabilities: capabilities)
}
