import Capabilities
import Foundation
import Policy
import Testing

/// Every stored report, observed (matrix/observations/*.json, each kernel's report stored once) or constructed
/// (Tests/PolicyTests/Constructed/*.json), through the policy with one fixed device, checked against the plan
/// written down for that kernel in Tests/PolicyTests/Expectations/<release>.json. A report without an
/// expectation fails, naming it: a new kernel needs a decision on paper before its plans are trusted.
@Suite("Plans over stored kernel fixtures")
struct StoredKernelPlanTests {
    struct Expectation: Decodable {
        struct PlanShape: Decodable, Equatable, CustomStringConvertible {
            var strategy: String
            var altnameSteps: Bool
            var host: [String]
            var container: [String]?
            var description: String {
                "\(strategy), altname steps \(altnameSteps), host \(host)" + (container.map { ", container \($0)" } ?? "")
            }
        }

        var kernel: String
        var basis: String
        var inbound: PlanShape
        var inboundWithHostNameTaken: PlanShape
        var outbound: PlanShape
    }

    /// An UP NIC with a udev altname, as a host-device plugin sees one.
    static let device = DeviceFacts(name: "eth1", index: 3, up: true, mtu: 1500, mac: MACAddress("52:54:00:12:34:56"), altNames: ["enp0s4"])
    static let host = NamespaceContents(names: ["lo", "eth0"], altNames: ["enp0s3"])

    static func shape(_ plan: Plan, container: Bool) -> Expectation.PlanShape {
        Expectation.PlanShape(strategy: plan.strategy.rawValue, altnameSteps: plan.steps.contains(where: \.isAltNameStep),
                              host: plan.names(seenBy: .host), container: container ? plan.names(seenBy: .container) : nil)
    }

    static func plans(_ report: Report) throws -> (inbound: Plan, clash: Plan, outbound: Plan) {
        let into = { (container: NamespaceContents) in
            try Planner.plan(PlanRequest(report: report, device: device, direction: .into, wantedName: "net1",
                                         source: host, target: container))
        }
        // Inside, the device carries only the altnames the kernel moved with it.
        var inside = device
        inside.name = "net1"
        inside.altNames = report.holds(.altnameFollowsMove) ? device.altNames : []
        let out = try Planner.plan(PlanRequest(report: report, device: inside, direction: .out, wantedName: "",
                                               source: NamespaceContents(names: ["lo"]), target: host,
                                               original: OriginalState(device)))
        return (try into(NamespaceContents(names: ["lo"])), try into(NamespaceContents(names: ["lo", "eth1"])), out)
    }

    static let reports: [(source: String, release: String, report: Report)] = {
        var found: [(String, String, Report)] = []
        for file in PolicyFixtures.list("matrix/observations") where file.hasSuffix(".json") {
            let path = "matrix/observations/\(file)"
            found.append((path, String(file.dropLast(5)), (try? PolicyFixtures.observedReport(path)) ?? Reports.empty))
        }
        for file in PolicyFixtures.list("Tests/PolicyTests/Constructed") where file.hasSuffix(".json") {
            let path = "Tests/PolicyTests/Constructed/\(file)"
            found.append((path, String(file.dropLast(5)), (try? PolicyFixtures.report(path)) ?? Reports.empty))
        }
        return found
    }()

    @Test func thereAreStoredReports() {
        #expect(Self.reports.count >= 10, "\(Self.reports.map(\.source))")
        #expect(Self.reports.contains { $0.source.hasPrefix("Tests/PolicyTests/Constructed/constructed-5.10") })
    }

    @Test(arguments: reports.map(\.source))
    func planMatchesTheWrittenExpectation(source: String) throws {
        let (_, release, report) = try #require(Self.reports.first { $0.source == source })
        try #require(report.kernel.release == release, "\(source) is unreadable or not named by its release")
        let file = "Tests/PolicyTests/Expectations/\(release).json"
        guard let data = try? Data(contentsOf: PolicyFixtures.root.appendingPathComponent(file)) else {
            Issue.record("no expectation for kernel \(release) (from \(source)): write \(file)")
            return
        }
        let expected = try JSONDecoder().decode(Expectation.self, from: data)
        #expect(expected.kernel == release)
        let plans = try Self.plans(report)
        #expect(Self.shape(plans.inbound, container: true) == expected.inbound, "\(release) inbound")
        #expect(Self.shape(plans.clash, container: true) == expected.inboundWithHostNameTaken, "\(release) inbound, eth1 taken inside")
        #expect(Self.shape(plans.outbound, container: false) == expected.outbound, "\(release) outbound")
        for plan in [plans.inbound, plans.clash, plans.outbound] {
            #expect(plan.keepsHostInvariant, "\(release): \(plan.hazards)")
        }
    }

    /// The hazards, proven on the constructed 5.10: the altname never stays registered in the host while
    /// the device is inside (off before the first move, back after the last), and a clash is never renamed
    /// in flight.
    @Test func onA510LikeKernelTheHostNeverKeepsAPodName() throws {
        let plans = try Self.plans(Reports.debian510Like)
        for plan in [plans.inbound, plans.clash] {
            let off = try #require(plan.steps.firstIndex { $0.altNamesTakenOff == ["enp0s4"] })
            let firstMove = try #require(plan.steps.firstIndex { $0.isMove })
            #expect(off < firstMove && plan.steps[off].runsIn == .host)
        }
        #expect(plans.clash.usesScratch)
        #expect(!plans.clash.steps.contains { $0.runsIn == .host && $0.moveTo == .container && $0.change?.name != nil },
                "no rename in flight from the host")
        let back = try #require(plans.outbound.steps.firstIndex { $0.altNamesGivenBack == ["enp0s4"] })
        let home = try #require(plans.outbound.steps.lastIndex { $0.moveTo == .host })
        #expect(back > home && plans.outbound.steps[back].runsIn == .host)
    }
}

/// Files the policy tests read, from the repository (found from this file's path).
enum PolicyFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func list(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(relative).path)) ?? []).sorted()
    }

    static func report(_ relative: String) throws -> Report {
        try Report.decode(Data(contentsOf: root.appendingPathComponent(relative)))
    }

    /// An observation file holds the report under "report" (matrix/SCHEMA.md).
    static func observedReport(_ relative: String) throws -> Report {
        struct Observed: Decodable { var report: Report }
        return try JSONDecoder().decode(Observed.self, from: Data(contentsOf: root.appendingPathComponent(relative))).report
    }
}
