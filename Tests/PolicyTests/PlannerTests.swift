import Capabilities
import Foundation
import Policy
import Testing

let eth = DeviceFacts(name: "eth5", index: 7, up: true, mtu: 1500, mac: MACAddress("02:00:00:00:00:07"), altNames: ["enp3s0"])

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

let inside = DeviceFacts(name: "net1", index: 7, up: true, mtu: 9000, mac: MACAddress("02:00:00:00:00:99"), altNames: ["enp3s0"],
                         alias: AliasRecord.encode(OriginalState(eth)))

@Suite struct InboundPlans {
    @Test func modernKernelUsesOneRequestWithAliasAndUp() throws {
        let plan = try inbound(Reports.modern)
        #expect(plan.strategy == .singleRequest)
        #expect(plan.steps.count == 1)
        let step = plan.steps[0]
        #expect(step.runsIn == .host && step.moveTo == .container && step.change?.name == "net1" && step.change?.up == true)
        // The alias records name, state, MTU and MAC; altnames live in the state file only.
        var recorded = OriginalState(eth)
        recorded.altNames = []
        #expect(AliasRecord.decode(step.change?.alias) == recorded)
        #expect(plan.names(seenBy: .host) == ["eth5"])
        #expect(plan.keepsHostInvariant)
        #expect(plan.recovery != nil)
    }

    @Test func upInSecondRequestWhenNotSeenInTheSame() throws {
        var report = Reports.modern
        report[.moveUpInSameRequest]?.state = .inconclusive
        let plan = try inbound(report)
        #expect(plan.strategy == .singleRequest)
        #expect(plan.steps.map { $0.change?.up } == [nil, true])
        #expect(plan.steps[1].runsIn == .container)
    }

    @Test func scratchWhenSingleRequestUnsupportedOrUnknown() throws {
        for report in [Reports.noSingleRequest, Reports.empty] {
            let plan = try inbound(report)
            #expect(plan.strategy == .scratchNamespace)
            // Neither report saw altnames follow the device: they come off first.
            #expect(plan.steps.first?.altNamesTakenOff == ["enp3s0"])
            let moves = plan.steps.filter { !$0.isAltNameStep }
            #expect(moves.map(\.runsIn) == [.host, .scratch, .scratch, .container])
            #expect(moves[0].change?.name == nil, "nothing is renamed in the host")
            #expect(plan.keepsHostInvariant)
            #expect(plan.reasons.contains { $0.contains("move.singleRequest") })
        }
    }

    /// The in-flight path: with the host name taken in the container the kernel renames during the move,
    /// and only move.sourceSeesOnlyOriginalNameOnClash says whether the host still sees just eth5 then.
    @Test func hostNameTakenInTheContainerUsesTheAnswerForTheInFlightPath() throws {
        let clash = NamespaceContents(names: ["lo", "eth5"])
        let modern = try inbound(Reports.modern, container: clash)
        #expect(modern.strategy == .singleRequest)
        #expect(modern.names(seenBy: .container) == ["net1"])
        #expect(modern.reasons.first?.contains("renames in flight") == true)
        #expect(modern.keepsHostInvariant)
        for state in [CapabilityState.unsupported, .inconclusive] {
            var report = Reports.modern
            report[.moveSourceSeesOnlyOriginalNameOnClash]?.state = state
            let plan = try inbound(report, container: clash)
            #expect(plan.strategy == .scratchNamespace, "\(state)")
            #expect(plan.names(seenBy: .container) == ["net1"])
            #expect(plan.reasons.first?.contains("move.sourceSeesOnlyOriginalNameOnClash: \(state.rawValue)") == true)
            // Without the clash, the same report takes the single request: the no-clash answer holds.
            #expect(try inbound(report).strategy == .singleRequest)
        }
        // A report from before the question existed never renames in flight.
        var old = Reports.modern
        old.capabilities[CapabilityID.moveSourceSeesOnlyOriginalNameOnClash.rawValue] = nil
        #expect(try inbound(old, container: clash).strategy == .scratchNamespace)
    }

    /// preferredInbound (the fleet audit's question) and the planner share one rule.
    @Test func preferredInboundIsThePlannersAnswerWithoutAClash() throws {
        var onlyClashFails = Reports.modern
        onlyClashFails[.moveSourceSeesOnlyOriginalNameOnClash]?.state = .unsupported
        var noClashFails = Reports.modern
        noClashFails[.moveSourceSeesOnlyOriginalName]?.state = .unsupported
        for report in [Reports.modern, Reports.debian61, Reports.noSingleRequest, Reports.empty, onlyClashFails, noClashFails,
                       Reports.debian510Like, Reports.debian61Like] {
            #expect(Strategy.preferredInbound(for: report) == (try inbound(report)).strategy)
        }
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
        #expect(renameFirst.steps.first?.change?.up == false, "6.1 cannot rename an UP device")
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
                #expect(!plan.steps.contains { $0.runsIn == .host && $0.change?.name != nil && !$0.isMove }, "no rename in the host")
            }
        }
    }
}

/// Where the kernel leaves altnames behind (before 8e15aee62161), they come off before the move in and go
/// back once the device is home; elsewhere nothing touches them.
@Suite struct AltNamePlans {
    static func report(_ state: CapabilityState?) -> Report {
        var report = Reports.modern
        report.capabilities[CapabilityID.altnameFollowsMove.rawValue] = state.map {
            CapabilityResult(state: $0, summary: "synthetic", evidence: Evidence(), metadata: CapabilityMetadata())
        }
        return report
    }

    @Test(arguments: [CapabilityState.unsupported, .inconclusive, nil])
    func inboundTakesThemOffFirstInTheHost(state: CapabilityState?) throws {
        for forced in [nil, Strategy.scratchNamespace, .renameThenMove, .moveThenRename] {
            let plan = try inbound(Self.report(state), forced: forced)
            let first = try #require(plan.steps.first)
            #expect(first == Step(in: .host, removeAltNames: ["enp3s0"], purpose: first.purpose), "\(String(describing: forced))")
            #expect(first.description == "in host: RTM_DELLINKPROP IFLA_ALT_IFNAME=enp3s0")
            #expect(plan.steps.dropFirst().allSatisfy { !$0.isAltNameStep })
            #expect(plan.steps.firstIndex { $0.isMove }! > 0, "before anything moves")
            #expect(plan.reasons.contains { $0.contains("enp3s0 would stay registered in the host") })
        }
    }

    @Test(arguments: [CapabilityState.supported, .skipped])
    func inboundLeavesThemAloneWhereTheyFollow(state: CapabilityState) throws {
        let plan = try inbound(Self.report(state))
        #expect(!plan.steps.contains { $0.isAltNameStep })
    }

    @Test func aDeviceWithoutAltnamesNeedsNoStep() throws {
        var plain = eth
        plain.altNames = []
        #expect(!(try inbound(Self.report(.unsupported), device: plain)).steps.contains { $0.isAltNameStep })
    }

    @Test func outboundGivesThemBackOnceHome() throws {
        for forced in [nil, Strategy.scratchNamespace, .singleRequest, .moveThenRename] {
            var bare = inside
            bare.altNames = []
            let plan = try outbound(Self.report(.unsupported), inside: bare, forced: forced)
            let home = try #require(plan.steps.firstIndex { $0.moveTo == .host })
            let add = try #require(plan.steps.firstIndex { $0.altNamesGivenBack != nil })
            #expect(add == home + 1, "\(String(describing: forced)): \(plan.steps.map(\.description))")
            #expect(plan.steps[add].runsIn == .host && plan.steps[add].altNamesGivenBack == ["enp3s0"])
            #expect(plan.steps[add].description == "in host: RTM_NEWLINKPROP IFLA_ALT_IFNAME=enp3s0")
        }
        #expect(!(try outbound(Self.report(.supported), inside: inside)).steps.contains { $0.isAltNameStep })
    }

    /// Where altnames stay behind, the device comes back without them (they were taken off on the way in).
    @Test func anAltnameTheHostUsesMeanwhileIsNotGivenBack() throws {
        var bare = inside
        bare.altNames = []
        let plan = try outbound(Self.report(.unsupported), inside: bare,
                                host: NamespaceContents(names: ["lo", "eth0"], altNames: ["enp3s0"]))
        #expect(!plan.steps.contains { $0.isAltNameStep })
        #expect(plan.hazards.contains { $0.contains("enp3s0 is used in the host") })
    }

    /// Where altnames stay behind, any altname the device carries in the container (one the container gave
    /// it) comes off there before the first move: it would stay registered in the container's namespace.
    @Test(arguments: [nil, Strategy.scratchNamespace, .singleRequest, .moveThenRename])
    func outboundTakesOffWhatWouldStayBehindInTheContainer(forced: Strategy?) throws {
        var given = inside
        given.altNames = ["podname0"]
        let plan = try outbound(Self.report(.unsupported), inside: given, forced: forced)
        let off = try #require(plan.steps.firstIndex { $0.altNamesTakenOff != nil })
        let firstMove = try #require(plan.steps.firstIndex { $0.isMove })
        #expect(off == firstMove - 1 && plan.steps[off] == Step(in: .container, removeAltNames: ["podname0"], purpose: plan.steps[off].purpose))
        #expect(plan.steps.contains { $0.altNamesGivenBack == ["enp3s0"] }, "the original one comes back from the record")
    }

    /// Where altnames follow the device: a name the container gave it must not reach the host, and an
    /// original one the host uses meanwhile would make the kernel refuse the move (v6.6+) and keep the
    /// device in the container for good. Both come off in the container; the second is a hazard, not an error.
    @Test func whereTheyFollowOnlyTheDevicesOwnFreeAltnamesTravel() throws {
        var carrying = inside
        carrying.altNames = ["enp3s0", "podname0"]
        let plan = try outbound(Self.report(.supported), inside: carrying)
        let off = try #require(plan.steps.firstIndex { $0.altNamesTakenOff != nil })
        #expect(plan.steps[off] == Step(in: .container, removeAltNames: ["podname0"], purpose: plan.steps[off].purpose))
        #expect(off < plan.steps.firstIndex { $0.isMove }!)
        #expect(!plan.steps.contains { $0.altNamesGivenBack != nil }, "enp3s0 travels with the device")
        let taken = try outbound(Self.report(.supported), inside: inside,
                                 host: NamespaceContents(names: ["lo", "eth0"], altNames: ["enp3s0"]))
        let takenOff = try #require(taken.steps.firstIndex { $0.altNamesTakenOff != nil })
        #expect(taken.steps[takenOff].altNamesTakenOff == ["enp3s0"] && taken.steps[takenOff].runsIn == .container)
        #expect(takenOff < taken.steps.firstIndex { $0.isMove }!)
        #expect(!taken.steps.contains { $0.altNamesGivenBack != nil })
        #expect(taken.hazards.contains { $0.contains("enp3s0 is used in the host") })
        // The container took the device's altname off: given back once home.
        var stripped = inside
        stripped.altNames = []
        let back = try outbound(Self.report(.supported), inside: stripped)
        #expect(back.steps.contains { $0.altNamesGivenBack == ["enp3s0"] && $0.runsIn == .host })
    }

    /// A step is one request: a JSON step that mixes an altname list with RTM_NEWLINK fields, or both
    /// lists, is refused rather than half-read; each kind decodes to its own case.
    @Test func aStepIsOneKindOfRequest() throws {
        for mixed in [#"{"runsIn":"host","removeAltNames":["a"],"up":true,"purpose":"p"}"#,
                      #"{"runsIn":"host","addAltNames":["a"],"moveTo":"container","purpose":"p"}"#,
                      #"{"runsIn":"host","removeAltNames":["a"],"addAltNames":["b"],"purpose":"p"}"#] {
            #expect(throws: DecodingError.self, "\(mixed)") { try JSONDecoder().decode(Step.self, from: Data(mixed.utf8)) }
        }
        let off = try JSONDecoder().decode(Step.self, from: Data(#"{"runsIn":"scratch","removeAltNames":["a"],"purpose":"p"}"#.utf8))
        #expect(off == Step(in: .scratch, .removeAltNames(["a"]), purpose: "p"))
        let back = try JSONDecoder().decode(Step.self, from: Data(#"{"runsIn":"host","addAltNames":["b"],"purpose":"p"}"#.utf8))
        #expect(back == Step(in: .host, .addAltNames(["b"]), purpose: "p"))
        let up = try JSONDecoder().decode(Step.self, from: Data(#"{"runsIn":"host","up":true,"purpose":"p"}"#.utf8))
        #expect(up == Step(in: .host, .change(LinkChange(up: true)), purpose: "p"))
        #expect(String(decoding: try JSONEncoder().encode(off), as: UTF8.self).contains(#""removeAltNames":["a"]"#))
    }

    /// Plans and original states written before these fields existed still decode; new ones round-trip.
    @Test func planAndOriginalStateStayBackwardCompatible() throws {
        let oldStep = #"{"runsIn":"host","moveTo":"container","name":"net1","purpose":"move"}"#
        let step = try JSONDecoder().decode(Step.self, from: Data(oldStep.utf8))
        #expect(step.altNamesTakenOff == nil && step.altNamesGivenBack == nil && !step.isAltNameStep)
        let oldState = #"{"name":"eth5","up":true,"mtu":1500,"mac":"02:00:00:00:00:07"}"#
        #expect(try JSONDecoder().decode(OriginalState.self, from: Data(oldState.utf8)).altNames == [])
        let plan = try inbound(Self.report(.unsupported))
        #expect(try JSONDecoder().decode(Plan.self, from: JSONEncoder().encode(plan)) == plan)
        let encoded = String(decoding: try JSONEncoder().encode(try inbound(Reports.modern)), as: UTF8.self)
        #expect(!encoded.contains("AltNames"), "plans without altname steps encode as before")
    }
}

@Suite struct OutboundPlans {
    @Test func renameInsideThenMoveAndRestore() throws {
        let plan = try outbound(Reports.modern, inside: inside)
        #expect(plan.strategy == .renameInContainerThenMove)
        #expect(plan.steps.count == 2)
        #expect(plan.steps[0] .runsIn == .container && plan.steps[0].change?.name == "eth5")
        let move = plan.steps[1]
        #expect(move.moveTo == .host && move.change?.name == nil)
        #expect(move.change?.mtu == 1500 && move.change?.mac?.description == "02:00:00:00:00:07" && move.change?.alias == "" && move.change?.up == true)
        #expect(plan.names(seenBy: .host) == ["eth5"])
    }

    @Test func downBeforeRenameOnOldKernels() throws {
        let plan = try outbound(Reports.debian61, inside: inside)
        #expect(plan.steps.map { $0.change?.up } == [false, nil, true])
        #expect(plan.keepsHostInvariant)
    }

    @Test func scratchWhenOriginalNameTakenInContainer() throws {
        let plan = try outbound(Reports.modern, inside: inside, container: NamespaceContents(names: ["lo", "eth5"]))
        #expect(plan.strategy == .scratchNamespace)
        #expect(plan.steps.map(\.runsIn) == [.container, .scratch, .scratch])
        #expect(plan.steps[1].change?.name == "eth5")
        #expect(plan.keepsHostInvariant)
    }

    @Test func downDeviceStaysDownAndUpStepWhenNeeded() throws {
        var down = eth
        down.up = false
        let plan = try Planner.plan(PlanRequest(report: Reports.noSingleRequest, device: inside, direction: .out,
                                                wantedName: "", target: NamespaceContents(names: ["lo"]),
                                                original: OriginalState(down)))
        #expect(!plan.steps.contains { $0.change?.up == true })
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
        #expect(plan.steps[1].runsIn == .host && plan.steps[1].change?.name == "eth5")
    }
}

@Suite struct AliasRecords {
    @Test func roundTrip() {
        let state = OriginalState(name: "eth5", up: false, mtu: 9000, mac: MACAddress("aa:bb:cc:dd:ee:ff"))
        let text = AliasRecord.encode(state)
        #expect(text.utf8.count < 128)
        #expect(AliasRecord.decode(text) == state)
        #expect(AliasRecord.decode("my uplink") == nil)
        #expect(AliasRecord.decode(nil) == nil)
        #expect(AliasRecord.decode("linkcaps up=1") == nil)
    }

    @Test func aMalformedMACIsLeftOutAndNamed() throws {
        let text = "linkcaps name=eth5 up=1 mtu=1500 mac=aa:bb:cc:dd:ee:zz for=0123456789abcdef"
        let state = try #require(AliasRecord.decode(text))
        #expect(state.name == "eth5" && state.mtu == 1500 && state.mac == nil)
        #expect(AliasRecord.malformedMAC(text) == "aa:bb:cc:dd:ee:zz")
        #expect(AliasRecord.malformedMAC("linkcaps name=eth5 up=1 mtu=1500 mac=AA:bb:cc:dd:ee:ff") == nil)
        #expect(AliasRecord.decode("linkcaps name=eth5 up=1 mtu=1500 mac=AA:bb:cc:dd:ee:ff")?.mac?.description == "aa:bb:cc:dd:ee:ff")
        #expect(AliasRecord.malformedMAC("linkcaps name=eth5 up=1 mtu=1500") == nil, "no MAC recorded is not a malformed one")
        #expect(AliasRecord.malformedMAC("my uplink mac=zz") == nil, "not our record")
    }

    @Test func preferredInboundUnchanged() {
        #expect(Strategy.preferredInbound(for: Reports.modern) == .singleRequest)
        #expect(Strategy.preferredInbound(for: Reports.noSingleRequest) == .scratchNamespace)
        #expect(Strategy.preferredInbound(for: Reports.debian510Like) == .singleRequest, "no clash: 5.10 shows only the original name")
    }
}
