import Capabilities

/// How a device is moved between the host and a container namespace.
public enum Strategy: String, Codable, CaseIterable, Sendable {
    /// One RTM_NEWLINK {ifindex, IFLA_NET_NS_FD, IFLA_IFNAME, ...}: the host sees only the removal.
    case singleRequest = "single-request"
    /// On the way out: rename inside the container to the original name, then move without renaming.
    case renameInContainerThenMove = "rename-in-container-then-move"
    /// Through a temporary anonymous namespace (what the reference plugin does since v1.6.0).
    case scratchNamespace = "scratch-namespace"
    /// Step-wise, only when forced: a temporary name is visible in the host.
    case renameThenMove = "rename-then-move"
    /// Step-wise, only when forced: the container sees the host name first; EBUSY before v6.2 when UP.
    case moveThenRename = "move-then-rename"

    /// Whether the policy may pick it on its own (the step-wise ones break the host-name invariant).
    public var isAutomatic: Bool { self != .renameThenMove && self != .moveThenRename }
}

extension Strategy {
    /// The one rule for moving a device into a container: the single request only when it was seen to work
    /// and the host was seen to keep only the device's name on the path this move takes. When the device's
    /// current name is already taken in the container the kernel renames in flight, and before 311cca40661f
    /// the host was then shown the final name (move.sourceSeesOnlyOriginalNameOnClash); otherwise the device
    /// leaves under its own name (move.sourceSeesOnlyOriginalName).
    public static func inbound(for report: Report, deviceName: String, currentNameTakenInContainer clash: Bool)
        -> (strategy: Strategy, reason: String)
    {
        inbound(for: .report(report), deviceName: deviceName, currentNameTakenInContainer: clash)
    }

    /// The same rule without a report: nothing was seen, so the scratch namespace.
    public static func inbound(for knowledge: KernelKnowledge, deviceName: String, currentNameTakenInContainer clash: Bool)
        -> (strategy: Strategy, reason: String)
    {
        guard knowledge.holds(.moveSingleRequest) else {
            return (.scratchNamespace, "the single move+rename request was not seen to work here (\(stateOf(knowledge, .moveSingleRequest)))")
        }
        if clash {
            guard knowledge.holds(.moveSourceSeesOnlyOriginalNameOnClash) else {
                return (.scratchNamespace, "the container already has a link named \(deviceName), so the kernel would rename in flight, "
                    + "and the host was not seen to keep only \(deviceName) then (\(stateOf(knowledge, .moveSourceSeesOnlyOriginalNameOnClash)))")
            }
            return (.singleRequest, "the container already has a link named \(deviceName): the kernel renames in flight, "
                + "and the host was seen to keep only \(deviceName) even then")
        }
        guard knowledge.holds(.moveSourceSeesOnlyOriginalName) else {
            return (.scratchNamespace, "the host was not seen to keep only the original name during a move (\(stateOf(knowledge, .moveSourceSeesOnlyOriginalName)))")
        }
        return (.singleRequest, "the kernel moves and renames in one request and the host sees only \(deviceName)")
    }

    /// The strategy for moving a device into a container when nothing clashes: the question a fleet audit
    /// asks of each host's report. The same rule as the planner's, on the path without a clash.
    public static func preferredInbound(for report: Report) -> Strategy {
        inbound(for: report, deviceName: "the device", currentNameTakenInContainer: false).strategy
    }

    static func stateOf(_ knowledge: KernelKnowledge, _ id: CapabilityID) -> String { knowledge.describe(id) }
}
