import CapabilityCache
import Capabilities
import Foundation
import Glibc
import Testing
import TestSupport

/// `skipped` is an answer about the kernel and is reused; the wait for another prober is bounded; a cache
/// that cannot be used costs a probe, never the answer.
struct CacheAnswerTests {
    static let altnames: [CapabilityID] = [.altnameFollowsMove, .altnameClashRejected]

    /// A kernel without altnames (before v5.5) answers `skipped` for both altname capabilities every time:
    /// the report is complete and later calls read it. Before, it stayed "partial" and every call probed.
    @Test func skippedAnswersAreReused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        for id in Self.altnames { probe.states[id] = .skipped }
        let cache = TestKeys.cache(directory, probe: probe)
        _ = try cache.report()
        for _ in 0..<10 {
            let again = try cache.report()
            #expect(again.source == .cache && again.state(.altnameFollowsMove) == .skipped)
        }
        #expect(probe.runs == 1)
        #expect(cache.cachedReportJSON() != nil, "the file is marked complete")
        #expect(CapabilityCache.isReusable(.skipped) && !CapabilityCache.isReusable(.inconclusive))
    }

    @Test func inconclusiveBesideSkippedIsStillAskedAgain() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        probe.states = [.altnameFollowsMove: .skipped, .altnameClashRejected: .skipped, .renameWhileUp: .inconclusive]
        let cache = TestKeys.cache(directory, probe: probe)
        _ = try cache.report()
        _ = try cache.report()
        #expect(probe.runs == 2 && probe.asked.last == [.renameWhileUp], "only the inconclusive one: \(probe.asked)")
    }

    /// Another process holds the key's lock (a prober that hangs): the wait ends at the bound with
    /// lockTimeout, and the caller that must go on probes without the cache.
    @Test func theLockWaitIsBounded() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.cache, 0o700) == 0)
        let holder = open(directory.cache + "/" + TestKeys.a.fileStem + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { close(holder) }
        #expect(holder >= 0 && flock(holder, LOCK_EX) == 0)
        let probe = FakeProbe(key: TestKeys.a)
        var cache = TestKeys.cache(directory, probe: probe)
        cache.lockTimeoutSeconds = 0.3
        let started = Date()
        #expect(throws: CapabilityCacheError.lockTimeout(path: directory.cache + "/" + TestKeys.a.fileStem + ".lock", seconds: 0.3)) {
            try cache.report()
        }
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.3, "waited \(waited) s")
        #expect(waited < 30, "the wait ended (it is bounded): \(waited) s")
        #expect(probe.runs == 0)
        let (report, uncached) = try cache.reportEvenWithoutCache()
        #expect(report.source == .probe && probe.runs == 1)
        guard case .lockTimeout? = uncached else { Issue.record("expected lockTimeout, got \(String(describing: uncached))"); return }
    }
}

/// A cache directory on a read-only or full file system, or owned by someone else: real mounts and
/// owners, as root. The answer comes from a probe, with the reason (the errno by name); nothing is left.
@Suite(.serialized, .enabled(if: TestEnvironment.isRoot, "needs root: tmpfs mounts and a directory owned by another user"))
struct UnusableCacheTests {
    /// A tmpfs mounted at <tmp>/mnt with `options`, prepared by `prepare` (run while it is writable).
    func withMount(_ options: String, prepare: (String) throws -> Void = { _ in }, remountReadOnly: Bool = false,
                   _ body: (String) throws -> Void) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let mountPoint = directory.path + "/mnt"
        #expect(mkdir(mountPoint, 0o700) == 0)
        #expect(mount("tmpfs", mountPoint, "tmpfs", 0, options) == 0, "mount: \(String(cString: strerror(errno)))")
        defer { umount2(mountPoint, Int32(MNT_DETACH)) }
        try prepare(mountPoint)
        if remountReadOnly {
            #expect(mount("tmpfs", mountPoint, "tmpfs", UInt(MS_REMOUNT | MS_RDONLY), options) == 0)
        }
        try body(mountPoint)
    }

    func expectProbedWithout(_ path: String, reason: String) throws {
        let probe = FakeProbe(key: TestKeys.a)
        let cache = CapabilityCache(directory: path, key: TestKeys.a, probe: probe.run)
        #expect(throws: CapabilityCacheError.self, "report() still says the cache failed") { try cache.report() }
        let (report, uncached) = try cache.reportEvenWithoutCache()
        #expect(report.source == .probe && report.capabilities.count == CapabilityID.allCases.count)
        #expect(uncached?.isAboutTheCache == true)
        #expect(uncached.map { "\($0)".contains(reason) } == true, "\(String(describing: uncached))")
        #expect(!"\(String(describing: uncached))".contains("E30") && !"\(String(describing: uncached))".contains("E28"))
    }

    @Test func readOnlyFileSystemWithoutTheDirectory() throws {
        try withMount("size=64k,mode=0700", remountReadOnly: true) { try expectProbedWithout($0 + "/linkcaps", reason: "EROFS") }
    }

    @Test func readOnlyFileSystemWithTheDirectory() throws {
        try withMount("size=64k,mode=0700", prepare: { #expect(mkdir($0 + "/linkcaps", 0o700) == 0) }, remountReadOnly: true) {
            try expectProbedWithout($0 + "/linkcaps", reason: "EROFS")
        }
    }

    /// Full: the directory and the lock file (no data) can be made, the report cannot be written. The probe
    /// already ran, so its answer is returned (one probe, not two), and no temporary file stays.
    @Test func fullFileSystem() throws {
        try withMount("size=4k,mode=0700", prepare: { mountPoint in
            #expect(mkdir(mountPoint + "/linkcaps", 0o700) == 0)
            let fill = open(mountPoint + "/filler", O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            defer { close(fill) }
            let page = [UInt8](repeating: 0x66, count: 4096)
            while page.withUnsafeBytes({ write(fill, $0.baseAddress, $0.count) }) > 0 {}
            #expect(errno == ENOSPC)
        }) { mountPoint in
            let probe = FakeProbe(key: TestKeys.a)
            let cache = CapabilityCache(directory: mountPoint + "/linkcaps", key: TestKeys.a, probe: probe.run)
            let (report, uncached) = try cache.reportEvenWithoutCache()
            #expect(report.source == .probe && probe.runs == 1, "one probe, its answer kept: \(probe.runs)")
            #expect(uncached.map { "\($0)".contains("ENOSPC") } == true, "\(String(describing: uncached))")
            let left = try FileManager.default.contentsOfDirectory(atPath: mountPoint + "/linkcaps")
            #expect(left.allSatisfy { $0.hasSuffix(".lock") }, "nothing but the lock file: \(left)")
        }
    }

    @Test func directoryOwnedBySomeoneElse() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.cache, 0o700) == 0 && chown(directory.cache, 65534, 65534) == 0)
        try expectProbedWithout(directory.cache, reason: "owned by uid 65534")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.cache).isEmpty, "nothing written into it")
    }
}
