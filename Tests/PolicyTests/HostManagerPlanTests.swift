import Capabilities
import Policy
import Testing

/// DEL leaves UP to the host's network manager that had the device, when it still runs (HostNetworkManager).
@Suite struct HostManagerPlans {
    func plan(_ report: Report, managedBy: HostNetworkManager?, running: Set<HostNetworkManager>,
              wasUp: Bool = true, forced: Strategy? = nil) throws -> Plan {
        var original = OriginalState(eth)
        original.up = wasUp
        original.managedBy = managedBy
        return try Planner.plan(PlanRequest(knowledge: .report(report), device: inside, direction: .out, wantedName: "",
                                            source: NamespaceContents(names: ["lo"]), target: NamespaceContents(names: ["lo", "eth0"]),
                                            original: original, forced: forced, runningManagers: running))
    }

    func bringsUp(_ plan: Plan) -> Bool { plan.steps.contains { $0.change?.up == true } }

    @Test(arguments: ["modern", "noSingleRequest"])
    func aManagedDeviceComesHomeDownWhenItsManagerRuns(kernel: String) throws {
        let report = kernel == "modern" ? Reports.modern : Reports.noSingleRequest
        for manager in HostNetworkManager.allCases {
            let handed = try plan(report, managedBy: manager, running: [manager])
            #expect(!bringsUp(handed), "\(manager): no step brings the device up")
            #expect(handed.reasons.contains { $0.hasPrefix("\(manager.rawValue) manages eth5 in the host") }, "\(handed.reasons)")
            // The same device with nobody to take it over, or unmanaged: up as it was.
            #expect(bringsUp(try plan(report, managedBy: manager, running: [])))
            #expect(bringsUp(try plan(report, managedBy: nil, running: Set(HostNetworkManager.allCases))))
            let other = HostNetworkManager.allCases.first { $0 != manager }!
            #expect(bringsUp(try plan(report, managedBy: manager, running: [other])), "another manager does not take it")
        }
    }

    @Test func everyStrategyHandsTheDeviceOver() throws {
        for strategy in [Strategy.singleRequest, .scratchNamespace, .renameInContainerThenMove, .moveThenRename, .renameThenMove] {
            #expect(!bringsUp(try plan(Reports.modern, managedBy: .networkManager, running: [.networkManager], forced: strategy)),
                    "\(strategy)")
            #expect(bringsUp(try plan(Reports.modern, managedBy: .networkManager, running: [], forced: strategy)), "\(strategy)")
        }
    }

    @Test func aDeviceThatWasDownStaysDown() throws {
        #expect(!bringsUp(try plan(Reports.modern, managedBy: nil, running: [], wasUp: false)))
        #expect(!bringsUp(try plan(Reports.modern, managedBy: .networkManager, running: [.networkManager], wasUp: false)))
    }

    @Test func theAliasRecordCarriesTheManager() {
        var original = OriginalState(eth)
        original.altNames = []
        for manager in [nil] + HostNetworkManager.allCases.map(Optional.some) {
            original.managedBy = manager
            let alias = AliasRecord.encode(original, owner: "0123456789abcdef")
            #expect(AliasRecord.decode(alias) == original, "\(alias)")
        }
        #expect(AliasRecord.decode("linkcaps name=eth5 up=1 mtu=1500 by=someone-else")?.managedBy == nil, "an unknown manager is none")
    }
}
