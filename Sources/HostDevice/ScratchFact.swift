import Namespaces
import Policy

/// Finding out whether a scratch namespace can be had, by making the one the plan needs (never a second
/// namespace just to ask): where unshare(CLONE_NEWNET) fails — ENOSPC from user.max_net_namespaces, EPERM
/// from seccomp, ENOSYS or EINVAL without CONFIG_NET_NS — the policy is told so and plans without one.
enum ScratchFact {
    /// The namespace, or why none can be made. Any other failure (a socket, the way back) is thrown.
    static func make() throws -> Result<NetworkNamespace, ScratchUnavailable> {
        do { return .success(try NetworkNamespace.makeScratch()) } catch NamespaceError.system(let operation, let errno)
            where operation.hasPrefix("unshare") {
            return .failure(ScratchUnavailable(errno: errno.name))
        }
    }

    /// The plan for `request`; when it needs a scratch namespace and none is at hand (`have`), one is made
    /// now, before anything moves, and handed to `keep`. Where none can be made the plan is made again
    /// knowing it, and that is said on stderr. Forced strategies are planned as forced: a forced scratch
    /// namespace fails at its first step with the errno.
    static func plan(_ request: PlanRequest, have: Bool, keep: (NetworkNamespace) -> Void,
                     warn: (String) -> Void = ReportSource.standardError) throws -> Plan {
        let plan = try Planner.plan(request)
        guard plan.usesScratch, !have, request.forced == nil else { return plan }
        switch try make() {
        case .success(let namespace):
            keep(namespace)
            return plan
        case .failure(let unavailable):
            var without = request
            without.scratch = .unavailable(errno: unavailable.errno)
            do {
                let replanned = try Planner.plan(without)
                warn("linkcaps-host-device: \(without.scratch.unavailableReason!); planned \(replanned.strategy.rawValue) instead")
                return replanned
            } catch {
                warn("linkcaps-host-device: \(without.scratch.unavailableReason!); no plan without one: \(error)")
                throw error
            }
        }
    }
}

struct ScratchUnavailable: Error { let errno: String }
