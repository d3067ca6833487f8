import Capabilities

/// The old-kernel altname hazard: before 8e15aee62161 (v6.6; 6.1.60+) a moved device keeps listing its
/// altnames, but the names stay registered in the namespace it left. The host would go on resolving them
/// to a device inside a pod, and refuse them to any other link. Plans take them off before the move in and
/// give them back once the device is home.
extension Planner {
    /// Whether this kernel may leave altnames behind: only a report that saw them follow the device (or a
    /// kernel without altnames at all) is trusted to move them.
    static func altNamesStayBehind(_ report: Report) -> Bool {
        switch report.state(.altnameFollowsMove) {
        case .supported?, .skipped?: return false
        default: return true
        }
    }

    /// Inbound: take the device's altnames off in the host before anything moves.
    static func takeAltNamesOff(_ plan: inout Plan, _ r: PlanRequest) {
        guard altNamesStayBehind(r.report), !r.device.altNames.isEmpty else { return }
        let names = r.device.altNames
        plan.steps.insert(Step(in: .host, removeAltNames: names,
                               purpose: "take the altnames off in the host, so that none stays behind naming a device in the container"),
                          at: 0)
        plan.reasons.append("the kernel was not seen to move altnames with the device (\(Strategy.stateOf(r.report, .altnameFollowsMove))): "
            + "\(names.joined(separator: ", ")) would stay registered in the host; taken off before the move, given back at DEL")
    }

    /// Outbound: give the recorded altnames back once the device is in the host (those the host does not use).
    static func giveAltNamesBack(_ plan: inout Plan, _ r: PlanRequest, _ original: OriginalState) {
        guard altNamesStayBehind(r.report), !original.altNames.isEmpty else { return }
        let free = original.altNames.filter { !r.target.holds($0) }
        for taken in original.altNames where r.target.holds(taken) {
            plan.hazards.append("the altname \(taken) is used in the host meanwhile: not given back")
        }
        guard !free.isEmpty else { return }
        let home = (plan.steps.firstIndex { $0.moveTo == .host }).map { $0 + 1 } ?? plan.steps.count
        plan.steps.insert(Step(in: .host, addAltNames: free, purpose: "give the device its altnames back, now that it is in the host"),
                          at: home)
        plan.reasons.append("the altnames taken off on the way in (\(free.joined(separator: ", "))) are given back in the host")
    }
}
