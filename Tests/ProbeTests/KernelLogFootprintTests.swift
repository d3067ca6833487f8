import TestSupport
import Foundation
import Glibc
import Testing

/// The kernel log is part of the footprint: a default `linkcaps probe` prints nothing there but the
/// kernel's info-level rename notices. The same check, run around a probe asked for
/// move.atomicOnNameTaken, finds that experiment's warning: it can fail.
@Suite("Kernel log footprint (root)", .serialized, .enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)),
       .enabled(if: access("/dev/kmsg", R_OK) == 0, "no readable /dev/kmsg (a container without the kernel log)"))
struct KernelLogFootprintTests {
    func traceOf(_ arguments: [String]) throws -> (lines: [KernelLog.Line], problems: [KernelLog.Line]) {
        var log = try KernelLog()
        defer { log.close() }
        let run = try Subprocess.run([BuiltBinary.linkcaps, "probe", "--json", "--no-cache"] + arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try log.newLines()
        return (lines, ProbeTrace.problems(in: lines))
    }

    @Test func aDefaultProbeLeavesNoWarning() throws {
        let trace = try traceOf([])
        #expect(trace.problems.isEmpty, "the default probe printed: \(trace.problems)")
        let notices = trace.lines.filter(ProbeTrace.isRenameNotice)
        #expect(!notices.isEmpty, "the log was read: the probe's renames are noticed at info level (\(trace.lines.count) lines)")
    }

    @Test func theCheckFindsTheWarningOfTheExperimentWhenAsked() throws {
        let trace = try traceOf(["--experiment", "move.atomicOnNameTaken"])
        #expect(trace.problems.contains { $0.level <= 4 && $0.text.hasPrefix("A link change request failed with some changes committed already. Interface lcp0") },
                "\(trace.problems)")
    }

    @Test func recordsAreParsed() {
        let record = Array("4,344,479797291,-;A link change request failed. Interface lcp0 may have been left\n SUBSYSTEM=net\n".utf8)
        #expect(KernelLog.parse(record[...]) == KernelLog.Line(level: 4, text: "A link change request failed. Interface lcp0 may have been left"))
        #expect(KernelLog.parse(Array("30,1,2,-;x".utf8)[...])?.level == 6, "facility bits are dropped")
        #expect(ProbeTrace.namesAProbeLink("lck1p: something") && ProbeTrace.namesAProbeLink("Interface lcp0 may"))
        #expect(!ProbeTrace.namesAProbeLink("lcb28169a: renamed from net1") && !ProbeTrace.namesAProbeLink("lck: x"))
    }
}
