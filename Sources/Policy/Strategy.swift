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
    /// The strategy for moving a device into a container when nothing clashes: the question a fleet
    /// audit asks of each host's report. The single request is chosen only when it was seen to work and
    /// the host was seen to keep only the original name.
    public static func preferredInbound(for report: Report) -> Strategy {
        report.holds(.moveSingleRequest) && report.holds(.moveSourceSeesOnlyOriginalName)
            ? .singleRequest : .scratchNamespace
    }
}
