import Capabilities
import Foundation
import Testing

@Suite("Report format")
struct ReportTests {
    static func sample() -> Report {
        let evidence = Evidence(request: "RTM_NEWLINK ifindex=4 IFLA_NET_NS_FD IFLA_IFNAME=lcf0", errno: 17,
                                errnoName: "EEXIST", extack: "exists",
                                source: [ObservedEvent(event: .newLink, name: "lcp0", ifindex: 4, up: false)],
                                target: [ObservedEvent(event: .newLink, name: "lcp0", ifindex: 4, up: false)],
                                outcome: "in target as lcp0", durationMs: 12.5)
        return Report(
            tool: .init(name: "linkcaps", version: ToolVersion.current),
            kernel: .init(release: "6.18.44", version: "#1 SMP"), bootId: "b",
            probe: .init(id: "p", startedAt: "2026-11-29T03:00:00Z", durationMs: 98.4, linkKind: "veth",
                         linkKindNotes: ["dummy": "EOPNOTSUPP: Unknown device type"], privileged: true),
            capabilities: [CapabilityID.moveAtomicOnNameTaken.rawValue: CapabilityResult(
                state: .unsupported, summary: "moved anyway", evidence: evidence,
                metadata: CapabilityMetadata(upstreamCommit: nil, firstRelease: "none"))])
    }

    @Test func roundTripsThroughJSON() throws {
        let report = Self.sample()
        let decoded = try Report.decode(try report.jsonData())
        #expect(decoded == report)
        #expect(decoded.state(.moveAtomicOnNameTaken) == .unsupported)
        #expect(decoded.source == .probe)
    }

    @Test func documentedTopLevelKeys() throws {
        let object = try JSONSerialization.jsonObject(with: try Self.sample().jsonData()) as! [String: Any]
        #expect(Set(object.keys) == ["schemaVersion", "tool", "kernel", "bootId", "probe", "capabilities", "source"])
        let probe = object["probe"] as! [String: Any]
        #expect(Set(probe.keys).isSuperset(of: ["id", "startedAt", "durationMs", "linkKind", "privileged"]))
    }

    @Test func refusesOtherSchemaVersions() throws {
        var report = Self.sample()
        report.schemaVersion = 2
        #expect(throws: ReportError.unsupportedSchema(2)) { try Report.decode(try report.jsonData()) }
    }

    @Test func keepsUnknownCapabilityIds() throws {
        var report = Self.sample()
        report.capabilities["future.thing"] = report.capabilities.values.first
        #expect(try Report.decode(try report.jsonData()).capabilities.keys.contains("future.thing"))
    }
}
