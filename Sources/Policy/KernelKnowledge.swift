import Capabilities

/// What the policy knows of the running kernel: its capability report, or nothing, with why (no throwaway
/// link kind without loading a module, a probe that failed, no scratch namespace for it). Not knowing is
/// an input of its own, never an empty report that could be mistaken for a kernel's answers: every
/// question asked of `.unknown` answers "not seen", so the plan is the one that is safe on every kernel.
public enum KernelKnowledge: Equatable, Sendable {
    case report(Report)
    case unknown(reason: String)

    /// Only a report that saw it: an unknown kernel, like an inconclusive answer, holds nothing.
    public func holds(_ id: CapabilityID) -> Bool { report?.holds(id) ?? false }

    public func state(_ id: CapabilityID) -> CapabilityState? { report?.state(id) }

    public var report: Report? {
        if case .report(let report) = self { return report }
        return nil
    }

    /// Why no report could be had; nil with a report.
    public var unknownReason: String? {
        if case .unknown(let reason) = self { return reason }
        return nil
    }

    /// "move.singleRequest: supported", or what stands for it without a report.
    public func describe(_ id: CapabilityID) -> String {
        guard let report else { return "\(id.rawValue): unknown, no capability report" }
        return "\(id.rawValue): \(report.state(id)?.rawValue ?? "not probed")"
    }
}
