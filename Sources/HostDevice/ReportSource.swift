import Capabilities
import CapabilityCache
import Netlink

/// Where the plugin gets the kernel's capability report: the per-boot CapabilityCache (LINKCAPS_CACHE_DIR,
/// else /run/linkcaps), probing once when it holds nothing conclusive.
/// A cache that cannot be used (read-only or full file system, a directory owned by someone else, a lock
/// held too long) costs a probe, never a pod: the plugin probes without it and says so on stderr, in one
/// line naming the errno.
public enum ReportSource {
    public static func report(warn: (String) -> Void = standardError) throws -> Report {
        let cache = CapabilityCache()
        // Fast path: the cached JSON read with our own parser (JSONDecoder costs ~2 ms per ADD/DEL for
        // evidence the plugin never looks at).
        if let text = cache.cachedReportJSON(), let report = quickDecode(text) { return report }
        let (report, uncached) = try cache.reportEvenWithoutCache()
        if let uncached { warn("linkcaps-host-device: probed without the capability cache: \(uncached)") }
        return report
    }

    /// One line on stderr.
    public static func standardError(_ line: String) {
        let text = line + "\n"
        _ = text.utf8CString.withUnsafeBytes { writeAll(fd: 2, UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
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
