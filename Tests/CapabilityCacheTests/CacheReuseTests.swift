import CapabilityCache
import Capabilities
import Foundation
import Glibc
import Testing

/// Hits, misses and re-probing, over a fake probe: no root needed.
struct CacheReuseTests {
    @Test func secondCallIsAnsweredFromTheCache() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        let cache = TestKeys.cache(directory, probe: probe)
        let first = try cache.report()
        let second = try cache.report()
        #expect(first.source == .probe)
        #expect(second.source == .cache)
        #expect(second.probe.id == first.probe.id)
        #expect(probe.runs == 1)
    }

    @Test func anotherBootOrKernelMisses() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        _ = try TestKeys.cache(directory, probe: probe).report()
        for key in [CacheKey(bootId: "22222222-bbbb", kernelRelease: TestKeys.a.kernelRelease, privileged: true),
                    CacheKey(bootId: TestKeys.a.bootId, kernelRelease: "6.12.0-test", privileged: true),
                    CacheKey(bootId: TestKeys.a.bootId, kernelRelease: TestKeys.a.kernelRelease, privileged: false)] {
            let other = FakeProbe(key: key)
            let report = try TestKeys.cache(directory, key: key, probe: other).report()
            #expect(report.source == .probe && other.runs == 1, "\(key) was answered from another key's file")
        }
    }

    @Test func aFileFromAnotherBootIsRefusedEvenUnderTheRightName() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let old = CacheKey(bootId: "00000000-old", kernelRelease: TestKeys.a.kernelRelease, privileged: true)
        _ = try TestKeys.cache(directory, key: old, probe: FakeProbe(key: old)).report()
        let oldFile = try #require(cacheFile(in: directory))
        let probe = FakeProbe(key: TestKeys.a)
        let cache = TestKeys.cache(directory, probe: probe)
        _ = try cache.report()
        let current = try #require(cacheFiles(in: directory).first { $0 != oldFile })
        // Last boot's file put where this boot's belongs: the key inside it gives it away.
        #expect(rename(oldFile, current) == 0)
        guard case .ignored = cache.inspect() else {
            Issue.record("a file from another boot was trusted: \(cache.inspect())")
            return
        }
        #expect(try cache.report().source == .probe)
        #expect(probe.runs == 2)
    }

    @Test func onlyInconclusiveAnswersAreProbedAgain() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        probe.states = [.renameWhileUp: .inconclusive]
        let cache = TestKeys.cache(directory, probe: probe)
        _ = try cache.report()
        probe.states = [:]
        let second = try cache.report()
        #expect(probe.asked.last == [.renameWhileUp])
        #expect(second.source == .probe)
        #expect(second.state(.renameWhileUp) == .supported)
        #expect(second.capabilities.count == CapabilityID.allCases.count)
        let third = try cache.report()
        #expect(third.source == .cache && probe.runs == 2)
    }

    @Test func refreshProbesAndBypassLeavesNoFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        let cache = TestKeys.cache(directory, probe: probe)
        _ = try cache.report(policy: .bypass)
        #expect(cacheFile(in: directory) == nil)
        _ = try cache.report()
        let refreshed = try cache.report(policy: .refresh)
        #expect(refreshed.source == .probe && probe.runs == 3)
        #expect(try cache.report().probe.id == refreshed.probe.id)
    }

    @Test func cachedJSONIsTheCachedReport() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        let cache = TestKeys.cache(directory, probe: probe)
        #expect(cache.cachedReportJSON() == nil && cache.cachedReport() == nil)
        _ = try cache.report()
        let text = try #require(cache.cachedReportJSON())
        let decoded = try Report.decode(Data(text.utf8))
        #expect(decoded.source == .cache)
        #expect(decoded == cache.cachedReport())
        #expect(text == (try cache.cachedReport()?.jsonString()))
        #expect(probe.runs == 1)
    }

    /// The plugin's read (lean: states and identity only) gives the policy what the full decode gives it, and
    /// trusts nothing the full read would not.
    @Test func leanReadIsTheCachedReportForThePolicy() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        probe.states = [.renameWhileUp: .unsupported, .altnameFollowsMove: .skipped]
        let cache = TestKeys.cache(directory, probe: probe)
        #expect(cache.cachedLeanReport() == nil)
        _ = try cache.report()
        let full = try #require(cache.cachedReport())
        let lean = try #require(cache.cachedLeanReport())
        #expect(lean.source == .cache && lean.bootId == full.bootId && lean.kernel.release == full.kernel.release)
        #expect(lean.capabilities.mapValues(\.state) == full.capabilities.mapValues(\.state))
        let file = try #require(cacheFile(in: directory))
        let other = CacheKey(bootId: "22222222-bbbb", kernelRelease: TestKeys.a.kernelRelease, privileged: true)
        #expect(TestKeys.cache(directory, key: other, probe: FakeProbe(key: other)).cachedLeanReport() == nil)
        #expect(chmod(file, 0o666) == 0)
        #expect(cache.cachedLeanReport() == nil && cache.cachedReport() == nil, "a file others can write is trusted")
    }

    @Test func environmentNamesTheDirectory() {
        setenv("LINKCAPS_CACHE_DIR", "/tmp/linkcaps-env-dir", 1)
        defer { unsetenv("LINKCAPS_CACHE_DIR") }
        #expect(CapabilityCache().directory == "/tmp/linkcaps-env-dir")
        #expect(CapabilityCache(directory: "/tmp/explicit").directory == "/tmp/explicit")
    }
}
