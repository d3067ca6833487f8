/// Whether a scratch namespace can be made here, as the execution layer found when it tried to make the
/// plan's (unshare(CLONE_NEWNET) failing: ENOSPC from user.max_net_namespaces, EPERM from seccomp,
/// ENOSYS or EINVAL without CONFIG_NET_NS). A fact about this host now, not about the kernel's answers:
/// the policy plans around it, it never looks for it.
public enum ScratchNamespaces: Equatable, Sendable {
    case available
    /// `errno` names what unshare(CLONE_NEWNET) answered ("ENOSPC").
    case unavailable(errno: String)

    /// "scratch namespaces unavailable: ENOSPC"; nil when they can be made.
    public var unavailableReason: String? {
        if case .unavailable(let errno) = self { return "scratch namespaces unavailable: unshare(CLONE_NEWNET) failed with \(errno)" }
        return nil
    }
}
