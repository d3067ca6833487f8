import Capabilities

/// The old-kernel altname hazard: before 8e15aee62161 (v6.6; 6.1.60+) a moved device keeps listing its
/// altnames, but the names stay registered in the namespace it left. The host would go on resolving them
/// to a device inside a pod, and refuse them to any other link. Plans take them off before the move in and
/// give them back once the device is home.
extension Planner {
    /// Whether this kernel may leave altnames behind: only a report that saw them follow the device (or a
    /// kernel without altnames at all) is trusted to move them.
    static func altNamesStayBehind(_ knowledge: KernelKnowledge) -> Bool {
        switch knowledge.state(.altnameFollowsMove) {
        case .supported?, .skipped?: return false
        default: return true
        }
    }

    /// Inbound: take the device's altnames off in the host before anything moves.
    static func takeAltNamesOff(_ plan: inout Plan, _ r: PlanRequest) {
        guard altNamesStayBehind(r.knowledge), !r.device.altNames.isEmpty else { return }
        let names = r.device.altNames
        plan.steps.insert(Step(in: .host, removeAltNames: names,
                               purpose: "take the altnames off in the host, so that none stays behind naming a device in the container"),
                          at: 0)
        plan.reasons.append("the kernel was not seen to move altnames with the device (\(Strategy.stateOf(r.knowledge, .altnameFollowsMove))): "
            + "\(names.joined(separator: ", ")) would stay registered in the host; taken off before the move, given back at DEL")
    }

    /// Outbound, before the first move, in the container: the altnames the device must not carry out.
    /// Where altnames stay behind, all of them (ours come back from the record; any the container gave it
    /// would stay registered in the container's namespace, whose death frees the names' hash with the
    /// kernel's nodes still in it, before 8e15aee62161). Where they follow the device, those that are not its
    /// original ones (the container's names must not reach the host) and those the host uses meanwhile (the
    /// kernel would refuse the whole move, v6.6+, and the device would never come home).
    static func altNamesToTakeOffOut(_ r: PlanRequest, _ original: OriginalState) -> [String] {
        if altNamesStayBehind(r.knowledge) { return r.device.altNames }
        return r.device.altNames.filter { !original.altNames.contains($0) || r.target.holds($0) }
    }

    /// Outbound: take off what must not travel (before the first move), and give back, once the device is in
    /// the host, the original altnames it does not bring home (all of them where they stay behind) that the
    /// host does not use. One the host uses is a hazard: never taken from the other link, reported.
    static func handleAltNamesOut(_ plan: inout Plan, _ r: PlanRequest, _ original: OriginalState) {
        let off = altNamesToTakeOffOut(r, original)
        if !off.isEmpty, let firstMove = plan.steps.firstIndex(where: \.isMove) {
            plan.steps.insert(Step(in: plan.steps[firstMove].runsIn, removeAltNames: off,
                                   purpose: "take off the altnames the device must not carry to the host"),
                              at: firstMove)
            plan.reasons.append("\(off.joined(separator: ", ")) taken off before leaving: "
                + (altNamesStayBehind(r.knowledge) ? "the kernel was not seen to move altnames with the device"
                                                : "not the device's own, or used in the host"))
        }
        let brought = r.device.altNames.filter { !off.contains($0) }
        let missing = original.altNames.filter { !brought.contains($0) }
        for taken in missing where r.target.holds(taken) {
            plan.hazards.append("the altname \(taken) is used in the host meanwhile: not given back")
        }
        let free = missing.filter { !r.target.holds($0) }
        guard !free.isEmpty else { return }
        let home = (plan.steps.firstIndex { $0.moveTo == .host }).map { $0 + 1 } ?? plan.steps.count
        plan.steps.insert(Step(in: .host, addAltNames: free, purpose: "give the device its altnames back, now that it is in the host"),
                          at: home)
        plan.reasons.append("the altnames the device does not bring home (\(free.joined(separator: ", "))) are given back in the host")
    }
}
