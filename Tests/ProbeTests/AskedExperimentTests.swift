import TestSupport
import Capabilities
import Foundation
@testable import Probe
import Testing

/// Experiments that leave a trace (a kernel warning) run only when asked for; a default report still
/// names them, `skipped`, with the reason.
@Suite("Experiments run only when asked (root)", .serialized, .enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
struct AskedExperimentTests {
    @Test func aDefaultProbeSkipsThemAndSaysWhy() throws {
        #expect(Prober.onlyWhenAsked == [.moveAtomicOnNameTaken: "leaves a warning in the kernel log"])
        let report = try Prober.run(ProbeOptions(only: [.moveAtomicOnNameTaken, .renameWhileUp]))
        let skipped = try #require(report[.moveAtomicOnNameTaken])
        #expect(skipped.state == .skipped)
        #expect(skipped.summary == "not asked: leaves a warning in the kernel log (linkcaps probe --experiment move.atomicOnNameTaken)")
        #expect(skipped.evidence.outcome == "not run" && skipped.evidence.request == nil)
        #expect(report[.renameWhileUp]?.state.isConclusive == true)
        #expect(report.probe.experimentsAsked == nil)
    }

    @Test func askedForTheyRunAndTheReportSaysSo() throws {
        let report = try Prober.run(ProbeOptions(only: [.moveAtomicOnNameTaken], asked: [.moveAtomicOnNameTaken]))
        #expect(report.state(.moveAtomicOnNameTaken) == .unsupported, "\(String(describing: report[.moveAtomicOnNameTaken]))")
        #expect(report.probe.experimentsAsked == ["move.atomicOnNameTaken"])
        let decoded = try Report.decode(Data(report.jsonString().utf8))
        #expect(decoded.probe.experimentsAsked == ["move.atomicOnNameTaken"])
    }

    @Test func theCommandLineTakesOnlyThoseThatNeedAsking() throws {
        let wrong = try Subprocess.run([BuiltBinary.linkcaps, "probe", "--json", "--no-cache", "--experiment", "move.singleRequest"])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("--experiment move.singleRequest: want one of the experiments a default probe leaves out: move.atomicOnNameTaken"))
        let all = try Subprocess.run([BuiltBinary.linkcaps, "probe", "--json", "--no-cache", "--all"])
        #expect(all.status == 0, "\(all.stderr)")
        let report = try Report.decode(Data(all.stdout.utf8))
        #expect(report.probe.experimentsAsked == ["move.atomicOnNameTaken"])
        #expect(CapabilityID.allCases.allSatisfy { report[$0]?.state != .skipped || $0.rawValue.hasPrefix("altname.") },
                "--all answers every experiment")
    }
}
