import Capabilities
import Foundation
import Policy
import Testing

/// Planning without a capability report: the input says so (KernelKnowledge.unknown), and nothing in the
/// plan may rest on a capability it never saw.
@Suite struct UnknownKnowledgePlans {
    static let unknown = KernelKnowledge.unknown(reason: "cannot read the kernel's capability report: no throwaway link kind")

    static func plan(_ knowledge: KernelKnowledge, _ direction: Direction, device: DeviceFacts,
                     container: NamespaceContents = NamespaceContents(names: ["lo"])) throws -> Plan {
        let host = NamespaceContents(names: ["lo", "eth0"])
        return try Planner.plan(PlanRequest(knowledge: knowledge, device: device, direction: direction,
                                            wantedName: direction == .into ? "net1" : "",
                                            source: direction == .into ? host : container,
                                            target: direction == .into ? container : host,
                                            original: direction == .out ? OriginalState(eth) : nil))
    }

    /// Into the container: the scratch namespace, altnames off in the host first, UP in a request of its
    /// own, the host seeing only eth5; the plan says it knew nothing and why.
    @Test func inboundIsTheScratchPathWithAltnamesOff() throws {
        let plan = try Self.plan(Self.unknown, .into, device: eth)
        #expect(plan.strategy == .scratchNamespace)
        #expect(plan.steps.first?.altNamesTakenOff == ["enp3s0"] && plan.steps.first?.runsIn == .host)
        #expect(plan.steps.filter(\.isMove).map(\.moveTo) == [.scratch, .container])
        #expect(plan.steps.allSatisfy { $0.change?.up == nil || !$0.isMove }, "IFF_UP never rides on a move it was not seen to survive")
        #expect(plan.steps.last?.change?.up == true && plan.steps.last?.runsIn == .container)
        #expect(plan.names(seenBy: .host) == ["eth5"] && plan.keepsHostInvariant)
        #expect(plan.knowledge == .unknown && plan.knowledgeReason?.contains("no throwaway link kind") == true)
        #expect(plan.reasons.first?.contains("no capability report") == true)
        #expect(plan.hazards.isEmpty)
    }

    /// Also when the device's name is taken in the container (the in-flight rename case).
    @Test func inboundWithANameClashStaysOnTheScratchPath() throws {
        let plan = try Self.plan(Self.unknown, .into, device: eth, container: NamespaceContents(names: ["lo", "eth5"]))
        #expect(plan.strategy == .scratchNamespace && plan.keepsHostInvariant)
    }

    /// Out to the host: set down before the rename inside (pre-6.2 kernels refuse an UP rename), MTU and
    /// MAC restored, UP in a request of its own, altnames given back in the host.
    @Test func outboundSetsDownFirstAndGivesAltnamesBack() throws {
        var device = inside
        device.altNames = []
        let plan = try Self.plan(Self.unknown, .out, device: device)
        let newlinks = plan.steps.filter { !$0.isAltNameStep }
        #expect(newlinks.first?.change?.up == false && newlinks.first?.runsIn == .container)
        let home = try #require(plan.steps.first { $0.moveTo == .host })
        #expect(home.change?.mtu == 1500 && home.change?.mac == eth.mac && home.change?.up == nil)
        #expect(plan.steps.last?.change?.up == true && plan.steps.last?.runsIn == .host)
        #expect(plan.steps.contains { $0.altNamesGivenBack == ["enp3s0"] && $0.runsIn == .host })
        #expect(plan.names(seenBy: .host) == ["eth5"] && plan.knowledge == .unknown)
    }

    /// Not knowing never reads as supported: on every path, the plan without a report is the plan of a
    /// report that saw nothing (every answer inconclusive), apart from the mark and its reason.
    @Test(arguments: [Direction.into, .out])
    func unknownPlansAsAReportThatSawNothing(_ direction: Direction) throws {
        let nothingSeen = Reports.with(Dictionary(uniqueKeysWithValues: CapabilityID.allCases.map { ($0, .inconclusive) }))
        let device = direction == .into ? eth : inside
        var plan = try Self.plan(Self.unknown, direction, device: device)
        let seen = try Self.plan(.report(nothingSeen), direction, device: device)
        #expect(plan.knowledge == .unknown && seen.knowledge == nil)
        plan.knowledge = nil
        plan.knowledgeReason = nil
        plan.reasons.removeFirst()
        #expect(plan.steps == seen.steps && plan.views == seen.views && plan.strategy == seen.strategy)
        #expect(plan.reasons.count == seen.reasons.count)
    }

    @Test func questionsOfAnUnknownKernelAnswerNo() {
        for id in CapabilityID.allCases {
            #expect(!Self.unknown.holds(id) && Self.unknown.state(id) == nil)
            #expect(Self.unknown.describe(id).contains("unknown"))
        }
        #expect(Strategy.inbound(for: Self.unknown, deviceName: "eth5", currentNameTakenInContainer: false).strategy == .scratchNamespace)
    }

    /// The mark survives JSON (what `linkcaps plan --json` prints), and a plan from a report has none.
    @Test func theMarkIsWrittenOnlyWithoutAReport() throws {
        let plan = try Self.plan(Self.unknown, .into, device: eth)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as? [String: Any]
        #expect(json?["knowledge"] as? String == "unknown")
        #expect((json?["knowledgeReason"] as? String)?.isEmpty == false)
        #expect(try JSONDecoder().decode(Plan.self, from: JSONEncoder().encode(plan)) == plan)
        let known = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.plan(.report(Reports.modern), .into, device: eth))) as? [String: Any]
        #expect(known?["knowledge"] == nil && known?["knowledgeReason"] == nil)
    }

    /// The alias record names the attachment when asked to, and an older record (no `for=`) names none.
    @Test func aliasRecordCarriesItsOwner() throws {
        let text = AliasRecord.encode(OriginalState(eth), owner: "0123456789abcdef")
        #expect(text.hasSuffix(" for=0123456789abcdef") && text.utf8.count < 256)
        #expect(AliasRecord.owner(text) == "0123456789abcdef")
        #expect(AliasRecord.decode(text)?.name == "eth5")
        #expect(AliasRecord.belongsToAnother(text, than: "fedcba9876543210"))
        #expect(!AliasRecord.belongsToAnother(text, than: "0123456789abcdef"))
        let older = AliasRecord.encode(OriginalState(eth))
        #expect(AliasRecord.owner(older) == nil && !AliasRecord.belongsToAnother(older, than: "0123456789abcdef"))
        #expect(AliasRecord.owner("someone's alias for=x") == nil)
        let plan = try Planner.plan(PlanRequest(knowledge: Self.unknown, device: eth, direction: .into, wantedName: "net1",
                                                target: NamespaceContents(), owner: "0123456789abcdef"))
        #expect(plan.steps.contains { AliasRecord.owner($0.change?.alias) == "0123456789abcdef" })
    }
}
