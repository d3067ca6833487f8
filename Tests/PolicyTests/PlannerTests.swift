import Capabilities
import Policy
import Testing

let eth = DeviceFacts(name: "eth5", index: 7, up: true, mtu: 1500, mac: "02:00:00:00:00:07", altNames: ["enp3s0"])

func inbound(_ report: Report, device: DeviceFacts = eth, wanted: String = "net1",
             container: NamespaceContents = NamespaceContents(names: ["lo"]), forced: Strategy? = nil) throws -> Plan {
    try Planner.plan(PlanRequest(report: report, device: device, direction: .into, wantedName: wanted,
                                 source: NamespaceContents(names: ["lo", "eth0"]), target: container, forced: forced))
}

func outbound(_ report: Report, inside: DeviceFacts, container: NamespaceContents = NamespaceContents(names: ["lo"]),
              host: NamespaceContents = NamespaceContents(names: ["lo", "eth0"]), forced: Strategy? = nil) throws -> Plan {
    try Planner.plan(PlanRequest(report: report, device: inside, direction: .out, wantedName: "",
                                 source: container, target: host, original: OriginalState(eth), forced: forced))
}

let inside = DeviceFacts(name: "net1", index: 7, up: true, mtu: 9000, mac: "02:00:00:00:00:99", altNames: ["enp3s0"],
                         alias: AliasRecord.encode(OriginalState(eth)))

@Suite struct InboundPlans {
    @Test func modernKernelUsesOneRequestWithAliasAndUp() throws {
        let plan = try inbound(Reports.modern)
        #expect(plan.strategy == .singleRequest)
        #expect(plan.steps.count == 1)
        let step = plan.steps[0]
        #expect(step.runsIn == .host && step.moveTo == .container && step.name == "net1" && step.up == true)
        #expect(AliasRecord.decode(step.alias) == OriginalState(eth))
        #expect(plan.names(seenBy: .host) == ["eth5"])
        #expect(plan.keepsHostInvariant)
        #expect(plan.recovery != nil)
    }

    @Test func upInSecondRequestWhenNotSeenInTheSame() throws {
        var report = Reports.modern
        report[.moveUpInSameRequest]?.state = .inconclusive
        let plan = try inbound(report)
        #expect(plan.strategy == .singleRequest)
        #expect(plan.steps.map(\.up) == [nil, true])
        #expect(plan.steps[1].runsIn == .container)
    }

    @Test func scratchWhenSingleRequestUnsupportedOrUnknown() throws {
        for report in [Reports.noSingleRequest, Reports.empty] {
            let plan = try inbound(report)
            #expect(plan.strategy == .scratchNamespace)
            #expect(plan.steps.map(\.runsIn) == [.host, .scratch, .scratch, .container])
            #expect(plan.steps[0].name == nil, "nothing is renamed in the host")
            #expect(plan.keepsHostInvariant)
            #expect(plan.reasons.contains { $0.contains("move.singleRequest") })
        }
    }

    @Test func scratchWhenTheHostNameIsTakenInTheContainer() throws {
        let plan = try inbound(Reports.modern, container: NamespaceContents(names: ["lo", "eth5"]))
        #expect(plan.strategy == .scratchNamespace)
        #expect(plan.names(seenBy: .container) == ["net1"])
        #expect(plan.keepsHostInvariant)
    }

    @Test func wantedNameOrAltnameTakenIsRefused() {
        #expect(throws: PlanError.nameTaken("net1", in: .container)) {
            try inbound(Reports.modern, container: NamespaceContents(names: ["lo", "net1"]))
        }
        #expect(throws: PlanError.nameTaken("net1", in: .container)) {
            try inbound(Reports.modern, container: NamespaceContents(names: ["lo"], altNames: ["net1"]))
        }
        #expect(throws: PlanError.altNameTaken("enp3s0", in: .container)) {
            try inbound(Reports.modern, container: NamespaceContents(names: ["lo", "enp3s0"]))
        }
    }

    @Test func altnamesThatStayBehindDoNotClash() throws {
        var report = Reports.modern
        report[.altnameFollowsMove]?.state = .unsupported
        #expect(try inbound(report, container: NamespaceContents(names: ["lo", "enp3s0"])).strategy == .singleRequest)
    }

    @Test func forcedStepwiseStrategiesStateTheirHazards() throws {
        let renameFirst = try inbound(Reports.debian61, forced: .renameThenMove)
        #expect(renameFirst.forced)
        #expect(!renameFirst.keepsHostInvariant)
        #expect(renameFirst.names(seenBy: .host) == ["eth5", "net1"])
        #expect(renameFirst.steps.first?.up == false, "6.1 cannot rename an UP device")
        #expect(renameFirst.hazards.contains { $0.contains("temporary name") })
        let moveFirst = try inbound(Reports.modern, forced: .moveThenRename)
        #expect(moveFirst.names(seenBy: .container) == ["eth5", "net1"])
        #expect(moveFirst.hazards.contains { $0.contains("EBUSY") })
        #expect(throws: PlanError.notForThisDirection(.renameInContainerThenMove, .into)) {
            try inbound(Reports.modern, forced: .renameInContainerThenMove)
        }
    }

    @Test func everyAutomaticInboundPlanKeepsTheInvariant() throws {
        let containers = [NamespaceContents(names: ["lo"]), NamespaceContents(names: ["lo", "eth5"])]
        for report in [Reports.modern, Reports.debian61, Reports.noSingleRequest, Reports.empty] {
            for container in containers {
                let plan = try inbound(report, container: container)
                #expect(plan.strategy.isAutomatic && plan.keepsHostInvariant)
                #expect(!plan.steps.contains { $0.runsIn == .host && $0.name != nil && !$0.isMove }, "no rename in the host")
            }
        }
    }
}

@Suite struct OutboundPlans {
    @Test func renameInsideThenMoveAndRestore() throws {
        let plan = try outbound(Reports.modern, inside: inside)
        #expect(plan.strategy == .renameInContainerThenMove)
        #expect(plan.steps.count == 2)
        #expect(plan.steps[0] .runsIn == .container && plan.steps[0].name == "eth5")
        let move = plan.steps[1]
        #expect(move.moveTo == .host && move.name == nil)
        #expect(move.mtu == 1500 && move.mac == "02:00:00:00:00:07" && move.alias == "" && move.up == true)
        #expect(plan.names(seenBy: .host) == ["eth5"])
    }

    @Test func downBeforeRenameOnOldKernels() throws {
        let plan = try outbound(Reports.debian61, inside: inside)
        #expect(plan.steps.map(\.up) == [false, nil, true])
        #expect(plan.keepsHostInvariant)
    }

    @Test func scratchWhenOriginalNameTakenInContainer() throws {
        let plan = try outbound(Reports.modern, inside: inside, container: NamespaceContents(names: ["lo", "eth5"]))
        #expect(plan.strategy == .scratchNamespace)
        #expect(plan.steps.map(\.runsIn) == [.container, .scratch, .scratch])
        #expect(plan.steps[1].name == "eth5")
        #expect(plan.keepsHostInvariant)
    }

    @Test func downDeviceStaysDownAndUpStepWhenNeeded() throws {
        var down = eth
        down.up = false
        let plan = try Planner.plan(PlanRequest(report: Reports.noSingleRequest, device: inside, direction: .out,
                                                wantedName: "", target: NamespaceContents(names: ["lo"]),
                                                original: OriginalState(down)))
        #expect(!plan.steps.contains { $0.up == true })
        let up = try outbound(Reports.noSingleRequest, inside: inside)
        #expect(up.steps.last == Step(in: .host, up: true, purpose: up.steps.last!.purpose))
    }

    @Test func originalNameTakenInHostIsRefused() {
        #expect(throws: PlanError.nameTaken("eth5", in: .host)) {
            try outbound(Reports.modern, inside: inside, host: NamespaceContents(names: ["lo", "eth5"]))
        }
        #expect(throws: PlanError.originalStateMissing) {
            try Planner.plan(PlanRequest(report: Reports.modern, device: inside, direction: .out, wantedName: "",
                                         target: NamespaceContents()))
        }
    }

    @Test func forcedMoveThenRenameBreaksTheInvariant() throws {
        let plan = try outbound(Reports.modern, inside: inside, forced: .moveThenRename)
        #expect(!plan.keepsHostInvariant)
        #expect(plan.names(seenBy: .host) == ["net1", "eth5"])
        #expect(plan.steps[1].runsIn == .host && plan.steps[1].name == "eth5")
    }
}

@Suite struct AliasRecords {
    @Test func roundTrip() {
        let state = OriginalState(name: "eth5", up: false, mtu: 9000, mac: "aa:bb:cc:dd:ee:ff")
        let text = AliasRecord.encode(state)
        #expect(text.utf8.count < 128)
        #expect(AliasRecord.decode(text) == state)
        #expect(AliasRecord.decode("my uplink") == nil)
        #expect(AliasRecord.decode(nil) == nil)
        #expect(AliasRecord.decode("linkcaps up=1") == nil)
    }

    @Test func preferredInboundUnchanged() {
        #expect(Strategy.preferredInbound(for: Reports.modern) == .singleRequest)
        #expect(Strategy.preferredInbound(for: Reports.noSingleRequest) == .scratchNamespace)
    }
}
