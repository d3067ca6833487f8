import Foundation
import Capabilities
import Matrix
import Policy
import Testing
import TestSupport

/// The audit's counting at a scale a unit test can afford (the benchmark runs 1,000,000 reports).
struct FleetAuditTests {
    static let catalogue = try! Catalogue.decode(Support.bytes("matrix/catalogue.json"))

    /// This machine's real report without its host facts: each generated line brings its own.
    static let base: String = {
        var report = try! Observation.decode(Support.bytes(Support.hostObservation.path)).report
        report.facts = nil
        return try! report.jsonString(pretty: false)
    }()

    /// `count` reports made from the real one: 20 releases × 5 distros, every 101st line truncated.
    func feed(_ auditor: inout FleetAuditor, count: Int) {
        // Split once around the release, so that making a line is two appends (this runs 20,000 times).
        let parts = Self.base.dropLast().components(separatedBy: Support.hostObservation.release)
        let head = Array(parts[0].utf8), tail = parts.dropFirst().map { Array($0.utf8) }
        var line: [UInt8] = []
        for i in 0..<count {
            line.removeAll(keepingCapacity: true)
            line += head
            for part in tail { line += Array("6.\(i % 20).0-test".utf8); line += part }
            line += Array(#","facts":{"modules":[],"osRelease":{"id":"distro\#(i / 20 % 5)","versionId":"1"}}}"#.utf8)
            if i % 101 == 100 { line.removeLast(line.count / 2) }
            line.withUnsafeBytes { auditor.add($0, source: { "gen:\(i + 1)" }) }
        }
    }

    @Test func twentyThousandReports() {
        var auditor = FleetAuditor(catalogue: Self.catalogue)
        feed(&auditor, count: 20_000)
        let audit = auditor.result()
        #expect(audit.reports == 20_000)
        #expect(audit.malformedCount == 198)
        #expect(audit.malformed.count == 100, "only the first 100 are named")
        #expect(audit.malformed.first?.source == "gen:101")
        #expect(audit.hosts == 19_802)
        #expect(audit.groups.count == 100)
        #expect(audit.groups.map(\.hosts).reduce(0, +) == 19_802)
        #expect(audit.hostsInOverflowGroup == 0)
        for group in audit.groups {
            #expect(group.strategies == [Strategy.singleRequest.rawValue: group.hosts])
            #expect(group.capabilities["rename.whileUp"]?.supported == group.hosts)
        }
        // 6.1: live rename is a v6.2 feature, seen supported → a disagreement (the report is 6.18's).
        let six1 = audit.groups.first { $0.release == "6.1.0-test" }!
        #expect(six1.disagreements.contains { $0.capability == "rename.whileUp" && $0.kind == .backport })
    }

    @Test func groupCapFoldsIntoOther() {
        var limits = FleetAuditor.Limits()
        limits.maxGroups = 10
        var auditor = FleetAuditor(catalogue: Self.catalogue, limits: limits)
        feed(&auditor, count: 1_000)
        let audit = auditor.result()
        #expect(audit.groups.count == 11)
        #expect(audit.groups.last?.release == "(other)")
        #expect(audit.groups.map(\.hosts).reduce(0, +) == audit.hosts)
        #expect(audit.hostsInOverflowGroup == audit.groups.last?.hosts)
    }

    @Test func strategyFollowsPolicy() {
        var auditor = FleetAuditor(catalogue: Self.catalogue)
        let inconclusive = AdversarialReportTests.real.replacingOccurrences(
            of: #""state":"supported","summary":"moved and renamed"#, with: #""state":"inconclusive","summary":"moved and renamed"#)
        #expect(inconclusive != AdversarialReportTests.real)
        Array(inconclusive.utf8).withUnsafeBytes { auditor.add($0, source: { "host-a" }) }
        let group = auditor.result().groups[0]
        #expect(group.strategies == [Strategy.scratchNamespace.rawValue: 1])
        #expect(group.inconclusiveHosts == 1)
        #expect(group.inconclusiveExamples[0].hasPrefix("host-a (boot "))
    }
}
