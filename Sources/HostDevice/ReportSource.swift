import Capabilities
import CapabilityCache
import Policy
import SystemCalls
import SystemPackage

/// Where the plugin gets the kernel's capability report: the per-boot CapabilityCache (LINKCAPS_CACHE_DIR,
/// else /run/linkcaps), probing once when it holds nothing conclusive.
/// A cache that cannot be used (read-only or full file system, a directory owned by someone else, a lock
/// held too long) costs a probe, never a pod: the plugin probes without it and says so on stderr, in one
/// line naming the errno.
public enum ReportSource {
    public static func report(warn: (String) -> Void = standardError) throws -> Report {
        let cache = CapabilityCache()
        // The cached report read lean (ReportReader: the whole file checked, only the states the policy reads
        // built): decoding the evidence with JSONDecoder would cost a fresh process about 0.8 ms per ADD and
        // DEL for nothing the plugin reads (Benchmarks/reader-bench).
        if let report = cache.cachedLeanReport() { return report }
        let (report, uncached) = try cache.reportEvenWithoutCache()
        if let uncached { warn("linkcaps-host-device: probed without the capability cache: \(uncached)") }
        return report
    }

    /// The report, or, when none can be had (no throwaway link kind without loading a module, a probe
    /// that fails, no namespace for it), why: a missing answer costs the fast plan, never a pod. A cached
    /// report with answers still to be asked again is kept when the probe cannot run: its conclusive
    /// answers are this boot's, and the rest read as not seen (said in one line).
    public static func knowledge(warn: (String) -> Void = standardError) -> KernelKnowledge {
        do { return .report(try report(warn: warn)) } catch {
            let reason = "cannot read the kernel's capability report: \(error)"
            if let partial = CapabilityCache().cachedPartialReport() {
                warn("linkcaps-host-device: \(reason); planning from the cached answers of the probe of \(partial.probe.startedAt) "
                     + "(those it could not tell read as not seen)")
                return .report(partial)
            }
            return .unknown(reason: reason)
        }
    }

    /// The line said once per invocation that plans without a report.
    public static func unknownLine(_ reason: String) -> String {
        "linkcaps-host-device: \(reason); planning what is safe on every kernel (scratch namespace, altnames "
            + "taken off in the host first, state restored as recorded)"
    }

    /// One line on stderr.
    public static func standardError(_ line: String) {
        try? FileDescriptor.standardError.write(all: line + "\n")
    }
}
