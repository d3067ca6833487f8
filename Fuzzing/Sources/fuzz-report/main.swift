import Capabilities
import FuzzSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Matrix

/// A capability report as other hosts send it to a fleet audit, as a cache or an observation file holds it,
/// as `linkcaps plan --report` reads it; or a node list (`kubectl get nodes -o json`) the audit reads labels
/// from. The one reader of the format (ReportReader: the audit's and the plugin's lean read, and the check
/// Report.decode makes first) is held against JSONDecoder over Report's Codable types on every input
/// (`readAlike`); then the audit (FleetAuditor, both of its inputs), Observation.decode, the report's own
/// round trip, and the policy on what was accepted, which must decide alike from the lean read (what the
/// plugin plans with) and the full report (what the CLI plans with).
func fuzzReport(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    let read = readAlike(bytes)
    _ = try? Observation.decode(bytes)

    var auditor = FleetAuditor(catalogue: catalogue)
    bytes.withUnsafeBytes { auditor.add($0, source: { "fuzz" }) }
    let audit = auditor.result()
    invariant((audit.malformedCount == 0) == (read != nil), "the audit and the lean read decide differently")
    var nodes = FleetAuditor(catalogue: catalogue)
    bytes.withUnsafeBytes {
        _ = NodeListReader.looksLikeKubernetesObject($0)
        nodes.addNodeList($0, source: "fuzz")
    }
    _ = nodes.result()

    guard let (lean, full) = read else { return 0 }
    // The cache writes what it decoded with jsonData and reads it back with decode.
    let written = try? full.jsonData(pretty: true)
    invariant(written.flatMap { try? Report.decode($0) } == full, "a report does not survive its own round trip")
    invariant(plans(with: lean.report(source: full.source)) == plans(with: full),
              "the policy decides differently from the lean read and from the full report")
    return 0
}

/// The catalogue the binary carries (matrix/catalogue.json, built in).
private let catalogue: Catalogue = {
    guard let catalogue = try? Builtin.catalogue() else { fatalError("the built-in catalogue does not decode") }
    return catalogue
}()

runFuzzer { fuzzReport($0, $1) }
