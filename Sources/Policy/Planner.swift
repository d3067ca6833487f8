import Capabilities

/// The policy: from what the kernel was seen to do and what the namespaces hold, the plan that keeps the
/// host's view clean. Pure: no I/O, same input, same plan.
public enum Planner {
    public static func plan(_ request: PlanRequest) throws(PlanError) -> Plan {
        var plan: Plan
        switch request.direction {
        case .into: plan = try inbound(request)
        case .out: plan = try outbound(request)
        }
        if let reason = request.knowledge.unknownReason {
            plan.knowledge = .unknown
            plan.knowledgeReason = reason
            plan.reasons.insert("no capability report (\(reason)): every capability reads as not seen, "
                + "so this is the plan that is safe on every kernel", at: 0)
        }
        return plan
    }

    // MARK: Into the container

    static func inbound(_ r: PlanRequest) throws(PlanError) -> Plan {
        let device = r.device
        let wanted = r.wantedName
        if r.target.holds(wanted) { throw .nameTaken(wanted, in: .container) }
        if r.knowledge.holds(.altnameFollowsMove), let clash = device.altNames.first(where: r.target.holds) {
            throw .altNameTaken(clash, in: .container)
        }
        let alias = AliasRecord.encode(OriginalState(device), owner: r.owner)
        let upInMove = r.knowledge.holds(.moveUpInSameRequest)
        var reasons: [String] = []
        let strategy: Strategy
        if let forced = r.forced {
            if forced == .renameInContainerThenMove { throw .notForThisDirection(forced, .into) }
            strategy = forced
            reasons.append("strategy \(forced.rawValue) was forced by the configuration")
        } else {
            strategy = try automaticInbound(r, reasons: &reasons)
        }
        var plan = Plan(strategy: strategy, direction: .into, forced: r.forced != nil, steps: [], views: [],
                        reasons: reasons, hazards: [], recovery: nil, hostName: device.name)
        let currentTaken = device.name != wanted && r.target.holds(device.name)
        let upStep = Step(in: .container, up: true, purpose: "bring the device up in the container")
        switch strategy {
        case .singleRequest, .renameInContainerThenMove:
            plan.steps = [Step(in: .host, moveTo: .container, name: wanted, alias: alias, up: upInMove ? true : nil,
                               purpose: "move, rename and record the original name in one request")]
            if !upInMove { plan.steps.append(upStep) }
            let finalFirst = currentTaken || device.name == wanted || r.knowledge.holds(.moveTargetSeesFinalNameFirst)
            plan.views = [view(.host, [device.name]), view(.container, finalFirst ? [wanted] : [device.name, wanted])]
            plan.recovery = "if the kernel answers EEXIST after moving the device (a name taken meanwhile), "
                + "finish the rename in the container, or move the device back under its original name"
            if !r.knowledge.holds(.moveSingleRequest) { plan.hazards.append("the single request was not seen to work on this kernel") }
        case .scratchNamespace:
            plan.steps = [
                Step(in: .host, moveTo: .scratch, purpose: "move to an empty scratch namespace, keeping the name"),
                Step(in: .scratch, name: device.name == wanted ? nil : wanted, alias: alias,
                     purpose: "rename and record the original name where nobody watches"),
                Step(in: .scratch, moveTo: .container, up: upInMove ? true : nil,
                     purpose: "move on to the container under the wanted name"),
            ]
            if !upInMove { plan.steps.append(upStep) }
            plan.views = [view(.host, [device.name]), view(.scratch, dedup([device.name, wanted])),
                          view(.container, [wanted])]
        case .renameThenMove:
            var steps: [Step] = []
            if device.up && !r.knowledge.holds(.renameWhileUp) && device.name != wanted {
                steps.append(Step(in: .host, up: false, purpose: "set down: this kernel refuses to rename an UP device"))
                plan.hazards.append("the host sees the device go down before it leaves")
            }
            steps.append(Step(in: .host, name: wanted, alias: alias, purpose: "rename in the host"))
            steps.append(Step(in: .host, moveTo: .container, up: upInMove ? true : nil, purpose: "move"))
            if !upInMove { steps.append(upStep) }
            plan.steps = steps
            plan.views = [view(.host, dedup([device.name, wanted])), view(.container, [wanted])]
            plan.hazards.append("a temporary name (\(wanted)) is visible in the host: udev and NetworkManager may act on it")
        case .moveThenRename:
            if currentTaken { throw .nameTaken(device.name, in: .container) }
            plan.steps = [
                Step(in: .host, moveTo: .container, purpose: "move under the host name"),
                Step(in: .container, name: device.name == wanted ? nil : wanted, alias: alias, up: true,
                     purpose: "rename, record the original name and bring up in the container"),
            ]
            plan.views = [view(.host, [device.name]), view(.container, dedup([device.name, wanted]))]
            plan.hazards.append("the container sees the host's name first; the move fails if that name is taken there")
            if r.forced != nil { plan.hazards.append("before v6.2 a rename of an UP device fails with EBUSY") }
        }
        takeAltNamesOff(&plan, r)
        if !plan.keepsHostInvariant { plan.hazards.append("breaks the invariant: the host sees a name other than \(device.name)") }
        return plan
    }

    static func automaticInbound(_ r: PlanRequest, reasons: inout [String]) throws(PlanError) -> Strategy {
        let clash = r.device.name != r.wantedName && r.target.holds(r.device.name)
        let (strategy, reason) = Strategy.inbound(for: r.knowledge, deviceName: r.device.name, currentNameTakenInContainer: clash)
        reasons.append(reason)
        if strategy == .scratchNamespace, let unavailable = r.scratch.unavailableReason {
            // Without the scratch namespace the one way in that never shows the host another name is the
            // move without a name: the kernel renames in flight only when the name is taken in the target.
            if clash {
                throw .noPlanWithoutScratch(unavailable, why: "the container already has a link named \(r.device.name), so a move "
                    + "without renaming is refused there, and a move with the new name was not seen to show the host only \(r.device.name)")
            }
            reasons.append("\(unavailable): move under the host name, then rename in the container (the host sees only "
                + "\(r.device.name) leave; the device arrives down, so the rename works before v6.2 too)")
            return .moveThenRename
        }
        if strategy == .singleRequest {
            reasons.append(r.knowledge.holds(.moveUpInSameRequest)
                ? "IFF_UP goes in the same request (move.upInSameRequest)"
                : "the device is brought up in a second request (move.upInSameRequest does not hold)")
        }
        return strategy
    }

    // MARK: Out to the host

    static func outbound(_ r: PlanRequest) throws(PlanError) -> Plan {
        guard let original = r.original else { throw .originalStateMissing }
        let device = r.device
        if r.target.holds(original.name) { throw .nameTaken(original.name, in: .host) }
        let upInMove = r.knowledge.holds(.moveUpInSameRequest)
        let renamed = device.name != original.name
        let nameFreeInContainer = !r.source.holds(original.name)
        var reasons: [String] = []
        var borrowed: String?
        let strategy: Strategy
        if let forced = r.forced {
            strategy = forced
            reasons.append("strategy \(forced.rawValue) was forced by the configuration")
        } else if !renamed || nameFreeInContainer {
            strategy = .renameInContainerThenMove
            reasons.append(renamed
                ? "\(original.name) is free in the container: rename there, then move without renaming"
                : "the device already has its original name: move without renaming")
        } else if let unavailable = r.scratch.unavailableReason {
            // The single request renames in flight (the host sees only the final name) when the device's
            // name is taken in the host: where it is not, the device first takes a name the host holds.
            let finalFirst = r.target.holds(device.name) || r.knowledge.holds(.moveTargetSeesFinalNameFirst)
            if !finalFirst { borrowed = borrowableHostName(r) }
            guard r.knowledge.holds(.moveSingleRequest), finalFirst || borrowed != nil else {
                throw .noPlanWithoutScratch(unavailable, why: "\(original.name) is taken in the container, so it cannot be "
                    + "renamed there first, and a move with the new name was not seen to work here "
                    + "(\(r.knowledge.describe(.moveSingleRequest)))")
            }
            strategy = .singleRequest
            reasons.append("\(original.name) is taken in the container and \(unavailable): move and rename in one request"
                + (borrowed.map { " after taking the name \($0), which the host holds, so that the kernel renames in flight "
                    + "and the host sees only \(original.name)" } ?? ", which the host sees only under \(original.name)"))
        } else {
            strategy = .scratchNamespace
            reasons.append("\(original.name) is taken in the container: rename in a scratch namespace on the way out")
        }
        // A device the host's network manager had comes home down, for the manager to bring up.
        let (bringUp, handedTo) = original.upOnReturn(running: r.runningManagers)
        if let handedTo {
            reasons.append("\(handedTo.rawValue) manages \(original.name) in the host: it comes home down and \(handedTo.rawValue) "
                + "brings it up with its own profile (brought home UP, NetworkManager takes it for someone else's configuration)")
        } else if original.up, let managedBy = original.managedBy {
            reasons.append("\(managedBy.rawValue) managed \(original.name) at ADD but is not running now: the device is brought up as it was")
        }
        // MTU, MAC, alias and flags are applied in the target after the move (do_setlink, after __dev_change_net_namespace: docs/experiments.md).
        var restore = LinkChange(moveTo: .host, alias: original.alias ?? "",
                                 up: upInMove && bringUp ? true : nil,
                                 mtu: device.mtu == original.mtu ? nil : original.mtu,
                                 mac: original.mac == nil || original.mac == device.mac ? nil : original.mac)
        let restorePurpose = "move to the host and restore MTU, MAC and alias"
        let upStep = Step(in: .host, up: true, purpose: "bring the device back up, as it was")
        let needsUpStep = bringUp && !upInMove
        var plan = Plan(strategy: strategy, direction: .out, forced: r.forced != nil, steps: [], views: [],
                        reasons: reasons, hazards: [], recovery: nil, hostName: original.name)
        let downFirst = device.up && !r.knowledge.holds(.renameWhileUp)
        switch strategy {
        case .renameInContainerThenMove, .renameThenMove:
            if renamed {
                if !nameFreeInContainer { throw .nameTaken(original.name, in: .container) }
                if downFirst || strategy == .renameThenMove {
                    plan.steps.append(Step(in: .container, up: false, purpose: "set down before renaming"))
                }
                plan.steps.append(Step(in: .container, name: original.name, purpose: "take back the original name inside"))
            }
            plan.steps.append(Step(in: .container, .change(restore), purpose: restorePurpose))
            plan.views = [view(.container, dedup([device.name, original.name])), view(.host, [original.name])]
        case .scratchNamespace:
            plan.steps = [Step(in: .container, moveTo: .scratch, purpose: "move to an empty scratch namespace"),
                          Step(in: .scratch, name: renamed ? original.name : nil, purpose: "take back the original name"),
                          Step(in: .scratch, .change(restore), purpose: restorePurpose)]
            plan.views = [view(.container, [device.name]), view(.scratch, dedup([device.name, original.name])),
                          view(.host, [original.name])]
        case .singleRequest:
            restore.name = renamed ? original.name : nil
            plan.steps = [Step(in: .container, .change(restore), purpose: "move, rename and restore in one request")]
            let finalFirst = !renamed || r.target.holds(device.name) || r.knowledge.holds(.moveTargetSeesFinalNameFirst)
            plan.views = [view(.container, [device.name]), view(.host, finalFirst ? [original.name] : [device.name, original.name])]
            if let borrowed {
                let down = downFirst ? [Step(in: .container, up: false, purpose: "set down before renaming")] : []
                plan.steps = down + [Step(in: .container, name: borrowed,
                                          purpose: "take \(borrowed), a name the host holds: the kernel then renames in flight")] + plan.steps
                plan.views = [view(.container, [device.name, borrowed]), view(.host, [original.name])]
                plan.hazards.append("should \(borrowed) leave the host meanwhile, the host would see it before \(original.name)")
            }
        case .moveThenRename:
            plan.steps = [Step(in: .container, moveTo: .host, purpose: "move under the container's name")]
            plan.steps.append(Step(in: .host, name: renamed ? original.name : nil, alias: restore.alias, up: bringUp ? true : nil,
                                   mtu: restore.mtu, mac: restore.mac, purpose: "rename and restore in the host"))
            plan.views = [view(.container, [device.name]), view(.host, dedup([device.name, original.name]))]
            plan.hazards.append("the host sees the container's name (\(device.name)) first; the move fails if that name is taken there")
        }
        if needsUpStep && strategy != .moveThenRename { plan.steps.append(upStep) }
        handleAltNamesOut(&plan, r, original)
        if !plan.keepsHostInvariant { plan.hazards.append("breaks the invariant: the host sees a name other than \(original.name)") }
        return plan
    }

    // MARK: Helpers

    /// A host link's name the container does not use and the device may take (not one of its own
    /// altnames): the first in order, so the same input gives the same plan.
    static func borrowableHostName(_ r: PlanRequest) -> String? {
        r.target.names.sorted().first { $0 != "lo" && !r.source.holds($0) && !r.device.altNames.contains($0) }
    }

    static func view(_ role: NamespaceRole, _ names: [String]) -> NamespaceView { NamespaceView(namespace: role, names: names) }

    static func dedup(_ names: [String]) -> [String] {
        names.enumerated().filter { $0.offset == 0 || names[$0.offset - 1] != $0.element }.map(\.element)
    }

}
