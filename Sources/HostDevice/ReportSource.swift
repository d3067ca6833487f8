import Capabilities
import CapabilityCache

/// Where the plugin gets the kernel's capability report: the per-boot CapabilityCache (LINKCAPS_CACHE_DIR,
/// else /run/linkcaps), probing once when it holds nothing conclusive.
public enum ReportSource {
    public static func report() throws -> Report {
        let cache = CapabilityCache()
        // Fast path: the cached JSON read with our own parser (JSONDecoder costs ~2 ms per ADD/DEL for
        // evidence the plugin never looks at).
        if let text = cache.cachedReportJSON(), let report = quickDecode(text) { return report }
        return try cache.report()
    }

    /// The parts of a report the policy reads: ids, states and summaries.
    static func quickDecode(_ text: String) -> Report? {
        guard let json = try? JSON.parse(text), json["schemaVersion"]?.int == Report.currentSchemaVersion,
              let bootId = json["bootId"]?.string, case .object(let entries)? = json["capabilities"] else { return nil }
        var capabilities: [String: CapabilityResult] = [:]
        for (id, value) in entries {
            guard let state = value["state"]?.string.flatMap(CapabilityState.init(rawValue:)) else { continue }
            capabilities[id] = CapabilityResult(state: state, summary: value["summary"]?.string ?? "", evidence: Evidence(),
                                                metadata: CapabilityMetadata())
        }
        let kernel = json["kernel"], tool = json["tool"], probe = json["probe"]
        return Report(tool: .init(name: tool?["name"]?.string ?? "linkcaps", version: tool?["version"]?.string ?? ""),
                      kernel: .init(release: kernel?["release"]?.string ?? "", version: kernel?["version"]?.string ?? ""),
                      bootId: bootId,
                      probe: .init(id: probe?["id"]?.string ?? "", startedAt: probe?["startedAt"]?.string ?? "",
                                   durationMs: 0, linkKind: probe?["linkKind"]?.string, linkKindNotes: [:],
                                   privileged: probe?["privileged"] == .bool(true)),
                      capabilities: capabilities, source: .cache)
    }
}
