import Capabilities
import Netlink
import SystemCalls
import SystemPackage

/// A named experiment: what it means for a host-device plugin, version notes for explanations, and the
/// function that runs it on a fresh lab. Adding a capability is adding one of these.
struct Experiment: Sendable {
    let id: CapabilityID
    /// One line: what the answer means for a plugin that moves devices.
    let meaning: String
    let metadata: CapabilityMetadata
    /// Set for an experiment that runs only when asked for by name, saying why: the reason goes into the
    /// `skipped` answer a probe gives when it was not asked.
    var onlyWhenAsked: String? = nil
    let run: @Sendable (Lab) throws -> Conclusion
}

/// An experiment's answer before timing is attached.
struct Conclusion {
    var state: CapabilityState
    var summary: String
    var evidence: Evidence

    init(_ state: CapabilityState, _ summary: String, _ evidence: Evidence = Evidence()) {
        self.state = state
        self.summary = summary
        self.evidence = evidence
    }

    /// A refusal for lack of privilege (EPERM, EACCES): inconclusive, never an answer about the kernel.
    static func notPermitted(_ errno: Errno, _ evidence: Evidence) -> Conclusion {
        Conclusion(.inconclusive, "not permitted (\(errno.name)): needs CAP_NET_ADMIN", evidence)
    }

    /// The answer for a request the kernel refused: a refusal for lack of privilege, or with an errno the
    /// experiment did not expect, says nothing about the kernel's abilities.
    static func refused(_ error: NetlinkError, _ evidence: Evidence, unsupportedOn expected: Set<Errno>,
                        meaning: String) -> Conclusion {
        if error.errno.isPermission { return .notPermitted(error.errno, evidence) }
        if expected.contains(error.errno) {
            return Conclusion(.unsupported, "\(meaning): \(error.errno.name)" + (error.extack.map { " (\($0))" } ?? ""), evidence)
        }
        return Conclusion(.inconclusive, "unexpected \(error.errno.name)" + (error.extack.map { ": \($0)" } ?? ""), evidence)
    }
}
