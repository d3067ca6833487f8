import Capabilities
import FuzzSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import HostDevice
import Matrix
import Policy

/// A capability report, as other hosts send it to a fleet audit, as a cache or an observation file holds
/// it, as `linkcaps plan --report` reads it. Every reader of the format gets the same bytes: Report.decode
/// (JSONDecoder; the CLI and the cache), LeanReportParser and FleetAuditor (the audit), the plugin's
/// ReportSource.quickDecode, Observation.decode (matrix). What they accept, the policy then plans with.
func fuzzReport(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    let full = try? Report.decode(Data(bytes))
    let lean = bytes.withUnsafeBytes { try? LeanReportParser.parse($0) }
    let quick = ReportSource.quickDecode(String(decoding: bytes, as: UTF8.self))
    _ = try? Observation.decode(bytes)

    var auditor = FleetAuditor(catalogue: catalogue)
    bytes.withUnsafeBytes { auditor.add($0, source: { "fuzz" }) }
    _ = auditor.result()

    if let full {
        // The cache writes what it decoded with jsonData and reads it back with decode.
        let written = try? full.jsonData(pretty: true)
        invariant(written.flatMap { try? Report.decode($0) } == full, "a report does not survive its own round trip")
        plan(with: full)
        // Where the audit's reader also accepts the report, it must see the states the CLI sees.
        if let lean {
            for (i, id) in CapabilityID.allCases.enumerated() {
                invariant(lean.states[i] == full.capabilities[id.rawValue]?.state,
                          "\(id.rawValue): the audit reads \(String(describing: lean.states[i])), the CLI \(String(describing: full.capabilities[id.rawValue]?.state))")
            }
        }
    }
    if let quick { plan(with: quick) }
    return 0
}

/// What ADD and DEL decide from a report (a device with altnames, a target holding a name it wants).
private func plan(with report: Report) {
    let device = DeviceFacts(name: "eth1", index: 7, up: true, mtu: 1500, mac: "02:00:00:00:00:01", altNames: ["enp0s1"])
    let busy = NamespaceContents(names: ["lo", "eth0"], altNames: ["enp0s1"])
    _ = try? Planner.plan(PlanRequest(report: report, device: device, direction: .into, wantedName: "eth0", target: busy))
    _ = try? Planner.plan(PlanRequest(report: report, device: device, direction: .out, wantedName: "eth1", target: busy,
                                      original: OriginalState(device)))
    _ = Strategy.preferredInbound(for: report)
}

/// matrix/catalogue.json, found from this file's path as the tests find their fixtures.
private let catalogue: Catalogue = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    let path = parts.joined(separator: "/") + "/matrix/catalogue.json"
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)), let catalogue = try? Catalogue.decode(Array(data)) else {
        fatalError("cannot read the catalogue at \(path)")
    }
    return catalogue
}()

runFuzzer { fuzzReport($0, $1) }
