import Capabilities
import Glibc
import Probe

/// The per-boot capability cache: the one call a plugin makes on every pod start.
///
///     let report = try CapabilityCache().report()          // cached, or probed once and kept
///
/// Only answers that describe the kernel are reused (see `isReusable`); the rest are probed again and merged. Concurrent callers on a cold
/// cache cause one probe: the first takes the key's lock and probes, the others wait and read its file.
public struct CapabilityCache {
    public enum Policy: Sendable {
        /// Answer from the cache when it holds a trustworthy, conclusive report; else probe and store.
        case useCache
        /// Probe again and rewrite the cache.
        case refresh
        /// Probe; neither read nor write the cache.
        case bypass
    }

    public let directory: String
    public var key: CacheKey
    /// The probe's options (module loading etc.); `only` is set by the cache when it re-probes.
    public var options: ProbeOptions
    /// Runs a probe; the CLI wraps Prober.run to add host facts (this target must not link libkmod).
    public var probe: (ProbeOptions) throws -> Report
    public var lockTimeoutSeconds: Double = 60

    /// `directory` nil: $LINKCAPS_CACHE_DIR, else /run/linkcaps.
    public init(directory: String? = nil, key: CacheKey = .current, options: ProbeOptions = ProbeOptions(),
                probe: @escaping (ProbeOptions) throws -> Report = { try Prober.run($0) }) {
        self.directory = CacheDirectory.resolve(directory)
        self.key = key
        self.options = options
        self.probe = probe
    }

    var file: CacheFile { CacheFile(directory: directory, key: key) }

    /// What the cache file holds now, without probing or locking (for diagnostics and tests).
    public func inspect() -> CacheFileStatus { file.read() }

    /// The cached report when the cache alone can answer (trustworthy directory and file, every answer
    /// conclusive); nil when a probe would be needed. Never probes, never writes, never locks.
    public func cachedReport() -> Report? {
        guard (try? CacheDirectory.check(directory)) != nil, case .valid(let cached) = file.read(),
              Self.isComplete(cached) else { return nil }
        return Self.fromCache(cached)
    }

    /// The cached report even when some of its answers are not reusable (inconclusive ones, asked again
    /// when a probe can run): what is left to plan from when it cannot. Never probes, writes or locks.
    public func cachedPartialReport() -> Report? {
        guard (try? CacheDirectory.check(directory)) != nil, case .valid(let cached) = file.read() else { return nil }
        return Self.fromCache(cached)
    }

    /// `cachedReport()` as the JSON `linkcaps probe --json` prints (source: cache), without decoding the
    /// report: for callers that only pass the answer on.
    /// `requiring`: a top-level key the report must have (e.g. "facts"), else nil.
    public func cachedReportJSON(requiring topLevelKey: String? = nil) -> String? {
        guard (try? CacheDirectory.check(directory)) != nil, case .success(let (header, body))? = file.readChecked(),
              header.complete else { return nil }
        // Top-level keys are indented by two spaces; "source" inside evidence is deeper and holds arrays.
        // "probe" and "cache" have the same length: the bytes are swapped in place.
        var bytes = [UInt8](body)
        let stored = Array("\n  \"source\" : \"probe\",".utf8)
        guard let start = firstIndex(of: stored, in: bytes) else { return nil }
        if let topLevelKey, firstIndex(of: Array("\n  \"\(topLevelKey)\" : ".utf8), in: bytes) == nil { return nil }
        let value = start + stored.count - 7
        for (offset, byte) in "cache".utf8.enumerated() { bytes[value + offset] = byte }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `cachedReport()` read lean (ReportReader: every member checked, only states and identity built), as
    /// a Report for the policy: what the plugin asks on every ADD and DEL, where decoding the evidence it
    /// never reads would cost a fresh process more than the rest of its start-up (Benchmarks/README.md).
    public func cachedLeanReport() -> Report? {
        guard (try? CacheDirectory.check(directory)) != nil, case .success(let (header, body))? = file.readChecked(),
              header.complete,
              let lean = try? body.withUnsafeBytes({ buffer throws(ReportError) in try ReportReader.lean(buffer) }),
              lean.bootID == key.bootId, lean.release == key.kernelRelease else { return nil }
        return lean.report(source: .cache)
    }

    public func report(policy: Policy = .useCache) throws(CapabilityCacheError) -> Report {
        let (report, unstored) = try resolve(policy)
        if let unstored { throw unstored }
        return report
    }

    /// A report whatever the state of the cache: a cache that cannot be used (read-only or full file
    /// system, a directory that is not ours, a lock held past the wait) costs a probe, never the answer.
    /// `uncached` says why the answer was neither read from nor kept in the cache; only a probe that cannot
    /// run at all is an error.
    public func reportEvenWithoutCache(policy: Policy = .useCache) throws(CapabilityCacheError)
        -> (report: Report, uncached: CapabilityCacheError?)
    {
        do { return try resolve(policy) } catch where error.isAboutTheCache {
            return (try runProbe(options), error)
        }
    }

    /// The answer, and the error that kept a fresh probe out of the cache (the probe ran: its answer stands).
    private func resolve(_ policy: Policy) throws(CapabilityCacheError) -> (Report, CapabilityCacheError?) {
        if policy == .bypass { return (try runProbe(options), nil) }
        try CacheDirectory.prepare(directory)
        var seen: Report?
        if policy == .useCache, case .valid(let cached) = file.read() {
            if Self.isComplete(cached, asking: options.asked) { return (Self.fromCache(cached), nil) }
            seen = cached
        }
        let lock = try CacheLock(path: file.lockPath, timeoutSeconds: lockTimeoutSeconds)
        defer { withExtendedLifetime(lock) {} }
        var base: Report?
        if policy == .useCache, case .valid(let cached) = file.read() {
            // Written by another process while we waited for the lock: a probe just ran for this key, so its
            // answer is the freshest there is, inconclusive parts included.
            if Self.isComplete(cached, asking: options.asked) || cached.probe.id != seen?.probe.id {
                return (Self.fromCache(cached), nil)
            }
            base = cached
        }
        let fresh: Report
        if let base {
            var again = options
            again.only = Set(Self.toProbeAgain(base, asking: options.asked))
            fresh = Self.merge(base, with: try runProbe(again))
        } else {
            fresh = try runProbe(options)
        }
        do { try file.write(fresh) } catch { return (fresh, error) }
        return (fresh, nil)
    }

    /// Whether a cached answer may be reused for the rest of the boot: supported and unsupported, and
    /// skipped — the kernel lacks what the question needs (altnames before v5.5), which a second probe
    /// would find again. `inconclusive` describes the circumstances (privilege, a failed set-up) and is
    /// asked again.
    public static func isReusable(_ state: CapabilityState) -> Bool { state.isConclusive || state == .skipped }

    /// Capabilities missing from the report or not reusable in it. `asking`: experiments that run only
    /// when asked for and are asked now; a `skipped` answer to one of them (a probe that was not asked)
    /// does not answer the question asked now, so it is probed again.
    static func toProbeAgain(_ report: Report, asking: Set<CapabilityID> = []) -> [CapabilityID] {
        CapabilityID.allCases.filter { id in
            guard let result = report[id] else { return true }
            return !isReusable(result.state) || (asking.contains(id) && result.state == .skipped)
        }
    }

    static func isComplete(_ report: Report, asking: Set<CapabilityID> = []) -> Bool {
        toProbeAgain(report, asking: asking).isEmpty
    }

    static func fromCache(_ report: Report) -> Report {
        var answer = report
        answer.source = .cache
        return answer
    }

    /// The cached conclusive answers plus the fresh ones; run details (id, time, facts) of the fresh probe.
    static func merge(_ cached: Report, with fresh: Report) -> Report {
        var merged = fresh
        merged.capabilities = cached.capabilities.merging(fresh.capabilities) { _, new in new }
        if merged.facts == nil { merged.facts = cached.facts }
        return merged
    }

    private func runProbe(_ options: ProbeOptions) throws(CapabilityCacheError) -> Report {
        let report: Report
        do { report = try probe(options) } catch let error as ProbeError {
            throw .probe(error)
        } catch {
            throw .probeFailed("\(error)")
        }
        ProbeCounter.record(report)
        return report
    }
}
