import Capabilities
import Foundation

/// Synthetic reports: a kernel like this machine's 6.18 (everything holds) and older ones with parts missing.
enum Reports {
    static func with(_ states: [CapabilityID: CapabilityState]) -> Report {
        var capabilities: [String: CapabilityResult] = [:]
        for (id, state) in states {
            capabilities[id.rawValue] = CapabilityResult(state: state, summary: "synthetic", evidence: Evidence(),
                                                         metadata: CapabilityMetadata())
        }
        return Report(tool: .init(name: "linkcaps", version: "test"), kernel: .init(release: "test", version: "#1"),
                      bootId: "boot", probe: .init(id: "p", startedAt: "t", durationMs: 1, linkKind: "veth",
                                                   linkKindNotes: [:], privileged: true),
                      capabilities: capabilities)
    }

    static let modern = with(Dictionary(uniqueKeysWithValues: CapabilityID.allCases.map { ($0, .supported) })
        .merging([.moveAtomicOnNameTaken: .unsupported, .moveTargetSeesFinalNameFirst: .unsupported]) { $1 })

    /// 6.1-like: single request works, no live rename.
    static let debian61 = with(Dictionary(uniqueKeysWithValues: CapabilityID.allCases.map { ($0, .supported) })
        .merging([.renameWhileUp: .unsupported, .moveAtomicOnNameTaken: .unsupported,
                  .moveTargetSeesFinalNameFirst: .unsupported]) { $1 })

    static let noSingleRequest = with([.moveSingleRequest: .unsupported, .moveUpInSameRequest: .unsupported,
                                       .renameWhileUp: .unsupported])

    static let empty = with([:])

    /// Constructed (not observed) from the kernel changes docs/experiments.md names and what the Debian 5.10
    /// and 6.1 guests showed: see Tests/PolicyTests/Constructed.
    static let debian510Like = constructed("constructed-5.10-like")
    static let debian61Like = constructed("constructed-6.1-like")

    static func constructed(_ name: String) -> Report {
        // A missing or broken file is a broken checkout: fail loudly where it is used.
        try! Report.decode(Data(contentsOf: PolicyFixtures.root.appendingPathComponent("Tests/PolicyTests/Constructed/\(name).json")))
    }
}
