import Capabilities
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Policy

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

/// The one reader of the report format held against its definition, Report's Codable types read by
/// JSONDecoder, on `bytes` (issue 11: "test it against the one definition"). What must hold for any input:
/// - Report.decode accepts exactly what the lean read (ReportReader, the audit's and the plugin's read) accepts;
/// - what the lean read accepts, JSONDecoder alone accepts too (the reader may be stricter, never looser);
/// - where both accept, they agree on every value the lean read returns, and Report.decode built what
///   JSONDecoder built.
/// Returns both reads when the bytes are a report.
public func readAlike(_ bytes: [UInt8]) -> (lean: LeanReport, report: Report)? {
    let lean = bytes.withUnsafeBytes { try? ReportReader.lean($0) }
    let full = try? Report.decode(Data(bytes))
    invariant((lean == nil) == (full == nil),
              "Report.decode \(full == nil ? "refuses" : "accepts") what the lean read \(lean == nil ? "refuses" : "accepts")")
    guard let lean, let full else { return nil }
    let raw: Report
    do {
        raw = try JSONDecoder().decode(Report.self, from: Data(bytes))
    } catch {
        invariant(false, "the lean read accepts what JSONDecoder refuses: \(error)")
        return nil
    }
    invariant(raw == full, "Report.decode built other values than JSONDecoder")
    agree(lean, raw, "the lean read", "JSONDecoder")
    return (lean, full)
}

/// Everything a LeanReport holds, compared with the Report JSONDecoder built from the same bytes.
public func agree(_ lean: LeanReport, _ full: Report, _ leanName: String, _ fullName: String) {
    func same<T: Equatable>(_ field: String, _ a: T, _ b: T) {
        invariant(a == b, "\(field): \(leanName) reads \(a), \(fullName) \(b)")
    }
    same("schemaVersion", lean.schemaVersion, full.schemaVersion)
    same("kernel.release", lean.release, full.kernel.release)
    same("bootId", lean.bootID, full.bootId)
    for id in CapabilityID.allCases { same(id.rawValue, lean.state(id), full.state(id)) }
    same("unknown capability ids", lean.unknownCapabilities.sorted(),
         full.capabilities.keys.filter { CapabilityID(rawValue: $0) == nil }.sorted())
    same("facts.osRelease.id", lean.distroID, full.facts?.osRelease?.id)
    same("facts.osRelease.versionId", lean.versionID, full.facts?.osRelease?.versionId)
    same("facts.distroKernelVersion", lean.distroKernelVersion, full.facts?.distroKernelVersion)
}

/// What ADD and DEL decide from a report: a device with an altname, moved into a namespace that holds its
/// name and altname, and out again.
public func plans(with report: Report) -> [String] {
    let device = DeviceFacts(name: "eth1", index: 7, up: true, mtu: 1500, mac: MACAddress("02:00:00:00:00:01"), altNames: ["enp0s1"])
    let busy = NamespaceContents(names: ["lo", "eth0"], altNames: ["enp0s1"])
    let requests = [
        PlanRequest(report: report, device: device, direction: .into, wantedName: "eth0", target: busy),
        PlanRequest(report: report, device: device, direction: .into, wantedName: "eth2", target: NamespaceContents()),
        PlanRequest(report: report, device: device, direction: .out, wantedName: "eth1", target: busy,
                    original: OriginalState(device)),
    ]
    return requests.map { request in
        do { return String(describing: try Planner.plan(request)) } catch { return "refused: \(error)" }
    } + [Strategy.preferredInbound(for: report).rawValue]
}
