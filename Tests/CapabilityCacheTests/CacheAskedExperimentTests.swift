import CapabilityCache
import Capabilities
import Probe
import Testing

/// An experiment that runs only when asked (move.atomicOnNameTaken) answers `skipped` in a default probe.
/// That answer is reused by every default caller, and never stands for an answer to a caller that asks.
struct CacheAskedExperimentTests {
    @Test func aSkippedAnswerIsProbedAgainOnlyWhenAskedFor() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        probe.states[.moveAtomicOnNameTaken] = .skipped
        let plain = TestKeys.cache(directory, probe: probe)
        _ = try plain.report()
        #expect(try plain.report().source == .cache)
        #expect(probe.runs == 1, "the default caller reuses the skipped answer")

        probe.states[.moveAtomicOnNameTaken] = .unsupported
        var asking = TestKeys.cache(directory, probe: probe)
        asking.options.asked = [.moveAtomicOnNameTaken]
        let answered = try asking.report()
        #expect(probe.runs == 2 && probe.asked.last == [.moveAtomicOnNameTaken], "only the asked one: \(probe.asked)")
        #expect(answered.state(.moveAtomicOnNameTaken) == .unsupported)
        #expect(answered.state(.moveSingleRequest) == .supported)

        #expect(try asking.report().source == .cache, "answered now: the cache holds it")
        #expect(try plain.report().state(.moveAtomicOnNameTaken) == .unsupported)
        #expect(probe.runs == 2)
    }

    /// A conclusive answer of an experiment that was asked for is reused even when asked again.
    @Test func aConclusiveAnswerIsReusedWhenAskedFor() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        probe.states[.moveAtomicOnNameTaken] = .unsupported
        var asking = TestKeys.cache(directory, probe: probe)
        asking.options.asked = [.moveAtomicOnNameTaken]
        _ = try asking.report()
        #expect(try asking.report().source == .cache)
        #expect(probe.runs == 1)
    }
}
