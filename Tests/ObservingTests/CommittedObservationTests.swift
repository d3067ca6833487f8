import JSONText
import Observing
import SystemCalls
import Testing
import TestSupport

/// Every committed guest observation was written by scripts/observe's earlier jq programs from a serial log
/// whose excerpt is committed beside it (Fixtures/kernels/<release>/serial-excerpt.log: the log without the
/// two report bodies, which the observation holds). Judged again from that excerpt, each must give the same
/// witness and footprint members, and the whole file must come out byte for byte.
struct CommittedObservationTests {
    static let releases: [String] = {
        let root = TestEnvironment.repository + "/Fixtures/kernels"
        return ((try? directoryEntries(root)) ?? []).filter { entry in
            (try? readAll(path: "\(root)/\(entry)/serial-excerpt.log", limit: 1 << 20)) != nil
        }.sorted()
    }()

    static func read(_ relative: String) throws -> [UInt8] {
        try readAll(path: TestEnvironment.repository + "/" + relative, limit: 16 << 20)
    }

    @Test func everyGuestObservationHasItsExcerpt() {
        // 16 Debian kernels at the time of writing; fewer means the fixtures moved and this test saw nothing.
        #expect(Self.releases.count >= 16, "\(Self.releases)")
    }

    @Test(arguments: releases) func judgedAgainFromItsExcerpt(release: String) throws {
        let file = try Self.read("matrix/observations/\(release).json")
        let observation = try JSON.parse(file)
        let log = SerialLog(bytes: try Self.read("Fixtures/kernels/\(release)/serial-excerpt.log"))
        let report = try #require(observation["report"])

        let witness = WitnessVerdicts(lines: try log.section("LINKCAPS-WITNESS-BEGIN", "LINKCAPS-WITNESS-END"))
        let comparison = WitnessComparison(probe: ProbeAnswers(report: report), witness: witness)
        #expect(comparison.record(of: witness) == observation["witness"])
        #expect(comparison.agrees)

        var footprint = try GuestFootprint.judge(log, report: report)
        // The default run's report body is left out of the excerpt: its probe member is the one input the
        // excerpt cannot give again.
        #expect(footprint.runs[0].probe == nil)
        footprint.runs[0].probe = observation["footprint"]?["runs"]?.array?.first?["probe"]
        #expect(footprint.json == observation["footprint"])
        #expect(footprint.ok)

        let kernel = try #require(observation["kernel"])
        let document = ObservationDocument(
            kernel: .init(release: try #require(kernel["release"]?.string),
                          version: ObservationDocument.kernelVersion(in: report) ?? log.value("UNAME-V") ?? "",
                          package: kernel["package"]?.string, packageVersion: kernel["packageVersion"]?.string,
                          source: try #require(kernel["source"]?.string)),
            report: report, witness: comparison.record(of: witness), footprint: footprint.json)
        #expect(document.json.prettyText == String(decoding: file, as: UTF8.self))
    }
}
