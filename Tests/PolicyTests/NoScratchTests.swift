import Capabilities
import Policy
import Testing

/// Planning where no scratch namespace can be made (ScratchNamespaces.unavailable): the way that keeps the
/// host's view clean without one, or a refusal naming why when there is none.
@Suite struct NoScratchPlans {
    static let unknown = KernelKnowledge.unknown(reason: "cannot read the kernel's capability report: unshare(CLONE_NEWNET): ENOSPC")
    static let noScratch = ScratchNamespaces.unavailable(errno: "ENOSPC")
    static let host = NamespaceContents(names: ["lo", "eth0"])

    static func into(_ knowledge: KernelKnowledge, container: NamespaceContents = NamespaceContents(names: ["lo"]),
                     scratch: ScratchNamespaces = noScratch, forced: Strategy? = nil) throws(PlanError) -> Plan {
        try Planner.plan(PlanRequest(knowledge: knowledge, device: eth, direction: .into, wantedName: "net1", source: host,
                                     target: container, forced: forced, scratch: scratch))
    }

    static func out(_ knowledge: KernelKnowledge, container: NamespaceContents = NamespaceContents(names: ["lo"]),
                    host: NamespaceContents = host, scratch: ScratchNamespaces = noScratch) throws(PlanError) -> Plan {
        try Planner.plan(PlanRequest(knowledge: knowledge, device: inside, direction: .out, wantedName: "", source: container,
                                     target: host, original: OriginalState(eth), scratch: scratch))
    }

    /// Without a report and without a scratch namespace: move under the host name, then rename (and record,
    /// and bring up) in the container; the host sees only eth5, altnames come off in the host first.
    @Test func inboundWithoutReportMovesThenRenames() throws {
        let plan = try Self.into(Self.unknown)
        #expect(plan.strategy == .moveThenRename && !plan.forced && !plan.usesScratch)
        #expect(plan.names(seenBy: .host) == ["eth5"] && plan.keepsHostInvariant)
        #expect(plan.names(seenBy: .container) == ["eth5", "net1"])
        #expect(plan.steps.first?.altNamesTakenOff == ["enp3s0"] && plan.steps.first?.runsIn == .host)
        let move = try #require(plan.steps.first { $0.isMove })
        #expect(move.runsIn == .host && move.moveTo == .container && move.change?.name == nil && move.change?.up == nil)
        let rename = try #require(plan.steps.last)
        #expect(rename.runsIn == .container && rename.change?.name == "net1" && AliasRecord.decode(rename.change?.alias)?.name == "eth5" && rename.change?.up == true)
        #expect(plan.reasons.contains { $0.contains("scratch namespaces unavailable") && $0.contains("ENOSPC") })
        #expect(!plan.hazards.contains { $0.contains("EBUSY") }, "the move closes the device: the rename in the container finds it down")
        #expect(plan.knowledge == .unknown)
    }

    /// A report that sends the move through a scratch namespace (5.10: no clean host view) does the same.
    @Test func inboundFromAReportThatWantedScratch() throws {
        let plan = try Self.into(.report(Reports.noSingleRequest))
        #expect(try Self.into(.report(Reports.noSingleRequest), scratch: .available).strategy == .scratchNamespace)
        #expect(plan.strategy == .moveThenRename && plan.keepsHostInvariant && plan.knowledge == nil)
    }

    /// A report whose single request keeps the host clean never needed a scratch namespace: unchanged.
    @Test func inboundSingleRequestUnchanged() throws {
        #expect(try Self.into(.report(Reports.modern)) == Self.into(.report(Reports.modern), scratch: .available))
        #expect(try Self.into(.report(Reports.modern)).strategy == .singleRequest)
    }

    /// The host name taken in the container, the single request not known to keep the host clean: no plan
    /// without a scratch namespace does, so a refusal with both reasons.
    @Test func inboundClashWithoutScratchRefuses() throws {
        let clash = NamespaceContents(names: ["lo", "eth5"])
        for knowledge in [Self.unknown, .report(Reports.noSingleRequest), .report(Reports.debian510Like)] {
            #expect(throws: PlanError.self) { try Self.into(knowledge, container: clash) }
            do { _ = try Self.into(knowledge, container: clash) } catch {
                guard case .noPlanWithoutScratch(let reason, let why) = error else { Issue.record("\(error)"); continue }
                #expect(reason.contains("ENOSPC") && why.contains("eth5"))
                #expect("\(error)".contains("no plan without one keeps the host's view clean"))
            }
        }
        // Where the single request was seen to keep the host clean even then, it is the plan, as before.
        #expect(try Self.into(.report(Reports.modern), container: clash).strategy == .singleRequest)
    }

    /// Forced strategies stay as they are.
    @Test func forcedStrategiesIgnoreTheFact() throws {
        for forced in [Strategy.scratchNamespace, .singleRequest, .renameThenMove, .moveThenRename] {
            #expect(try Self.into(Self.unknown, forced: forced) == Self.into(Self.unknown, scratch: .available, forced: forced))
        }
    }

    /// Out: with eth5 free in the container the plan never needed a scratch namespace (rename inside, move).
    @Test func outboundRenameInsideNeedsNoScratch() throws {
        let plan = try Self.out(Self.unknown)
        #expect(plan == (try Self.out(Self.unknown, scratch: .available)))
        #expect(plan.strategy == .renameInContainerThenMove && !plan.usesScratch && plan.keepsHostInvariant)
    }

    /// Out with eth5 taken in the container: without a report, refused (the host would see net1 first).
    @Test func outboundNameTakenInContainerWithoutReportRefuses() {
        let taken = NamespaceContents(names: ["lo", "eth5"])
        #expect(throws: PlanError.self) { try Self.out(Self.unknown, container: taken) }
        #expect(throws: Never.self) { try Self.out(Self.unknown, container: taken, scratch: .available) }
    }

    /// Out with eth5 taken in the container, and a single request seen to work: where the host holds net1
    /// the kernel renames in flight, and the host sees only eth5.
    @Test func outboundSingleRequestWhereItRenamesInFlight() throws {
        let taken = NamespaceContents(names: ["lo", "eth5"])
        let hostWithNet1 = NamespaceContents(names: ["lo", "eth0", "net1"])
        let plan = try Self.out(.report(Reports.modern), container: taken, host: hostWithNet1)
        #expect(plan.strategy == .singleRequest && plan.keepsHostInvariant && !plan.usesScratch)
        #expect(plan.reasons.contains { $0.contains("ENOSPC") })
    }

    /// Out with eth5 taken in the container and net1 free in the host (modern kernels would show the host
    /// net1 first): the device first takes a name the host holds and the container does not (eth0), set
    /// down first where an UP device cannot be renamed, so that the kernel renames in flight. With no such
    /// name (the host has only lo), refused.
    @Test func outboundBorrowsAHostNameToRenameInFlight() throws {
        let taken = NamespaceContents(names: ["lo", "eth5"])
        let plan = try Self.out(.report(Reports.debian61), container: taken)
        #expect(plan.strategy == .singleRequest && plan.keepsHostInvariant && !plan.usesScratch)
        let newlinks = plan.steps.filter { !$0.isAltNameStep }
        #expect(newlinks.count == 3)
        #expect(newlinks[0].runsIn == .container && newlinks[0].change?.up == false && !newlinks[0].isMove)
        #expect(newlinks[1].runsIn == .container && newlinks[1].change?.name == "eth0" && !newlinks[1].isMove)
        #expect(newlinks[2].moveTo == .host && newlinks[2].change?.name == "eth5" && newlinks[2].change?.up == true)
        #expect(plan.names(seenBy: .container) == ["net1", "eth0"] && plan.names(seenBy: .host) == ["eth5"])
        #expect(plan.hazards.contains { $0.contains("eth0") })
        let live = try Self.out(.report(Reports.modern), container: taken)
        #expect(!live.steps.contains { $0.change?.up == false }, "a kernel that renames UP devices needs no down step")
        #expect(throws: PlanError.self) { try Self.out(.report(Reports.modern), container: taken, host: NamespaceContents(names: ["lo"])) }
        // The host's eth0 is the container's too: the next name the host holds.
        let both = NamespaceContents(names: ["lo", "eth5", "eth0"])
        let other = try Self.out(.report(Reports.modern), container: both, host: NamespaceContents(names: ["lo", "eth0", "ens9"]))
        #expect(other.steps.contains { $0.change?.name == "ens9" && $0.runsIn == .container })
    }
}
