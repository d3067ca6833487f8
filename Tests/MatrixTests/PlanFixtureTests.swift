import Capabilities
import Foundation
@testable import linkcaps
import Matrix
import Policy
import Testing
import TestSupport

/// Fixtures/plans/<release>.<in|out>.json: what `linkcaps plan --json` prints for one device, planned from
/// each stored kernel report. Schema checks (scripts/check-schemas) and the Go consumer read them; they are
/// generated here, never edited, and this test fails when one is stale (UPDATE_FIXTURES=1 rewrites them).
struct PlanFixtureTests {
    static let plansDir = Support.packageRoot.appendingPathComponent("Fixtures/plans")

    static let device = DeviceFacts(name: "eth5", index: 7, up: true, mtu: 1500, mac: MACAddress("aa:bb:cc:dd:ee:05"),
                                    altNames: ["enp3s0f1"], driver: "veth")

    /// In: eth5 into a container that has only lo, as net1. Out: net1 (its MTU changed inside) back as eth5.
    static func requests(_ report: Report) -> [(String, PlanRequest)] {
        var inside = device
        inside.name = "net1"
        inside.mtu = 9000
        return [
            ("in", PlanRequest(report: report, device: device, direction: .into, wantedName: "net1",
                               source: NamespaceContents(names: ["lo", "eth0"]), target: NamespaceContents(names: ["lo"]))),
            ("out", PlanRequest(report: report, device: inside, direction: .out, wantedName: "eth5",
                                source: NamespaceContents(names: ["lo"]), target: NamespaceContents(names: ["lo", "eth0"]),
                                original: OriginalState(device))),
        ]
    }

    @Test func storedPlansAreCurrent() throws {
        // Each kernel's report is stored once, in its observation.
        let observations = Support.packageRoot.appendingPathComponent("matrix/observations")
        let releases = try FileManager.default.contentsOfDirectory(atPath: observations.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        #expect(!releases.isEmpty)
        let update = ProcessInfo.processInfo.environment["UPDATE_FIXTURES"] == "1"
        if update { try FileManager.default.createDirectory(at: Self.plansDir, withIntermediateDirectories: true) }
        var expected: Set<String> = []
        for release in releases {
            let report = try Observation.decode(Support.bytes("matrix/observations/\(release).json")).report
            for (direction, request) in Self.requests(report) {
                let name = "\(release).\(direction).json"
                expected.insert(name)
                let text = try PlanDocument(plan: Planner.plan(request)).json() + "\n"
                let url = Self.plansDir.appendingPathComponent(name)
                if update { try text.write(to: url, atomically: true, encoding: .utf8); continue }
                let stored = try? String(contentsOf: url, encoding: .utf8)
                #expect(stored == text, "Fixtures/plans/\(name) is stale or missing (UPDATE_FIXTURES=1 swift test --filter PlanFixtureTests)")
            }
        }
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: Self.plansDir.path))
        #expect(present.subtracting(expected) == [], "plans for kernels no longer stored")
    }

    @Test func documentCarriesItsVersionAndThePlan() throws {
        let report = try Observation.decode(Support.bytes("matrix/observations/6.1.0-56-cloud-amd64.json")).report
        let plan = try Planner.plan(Self.requests(report)[0].1)
        let json = try JSONSerialization.jsonObject(with: Data(PlanDocument(plan: plan).json().utf8)) as? [String: Any]
        #expect(json?["schemaVersion"] as? Int == PlanDocument.schemaVersion)
        #expect(json?["strategy"] as? String == plan.strategy.rawValue)
        #expect((json?["steps"] as? [Any])?.count == plan.steps.count)
        #expect(try JSONDecoder().decode(Plan.self, from: Data(PlanDocument(plan: plan).json().utf8)) == plan)
    }
}
