/// Why the probe could not run at all (as opposed to an experiment that could not conclude, which is an
/// answer: `inconclusive`, with its evidence). The only error Prober.run throws.
public enum ProbeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No CAP_SYS_ADMIN/CAP_NET_ADMIN where the probe needs them (EPERM/EACCES making its namespaces or links).
    case notPermitted(String)
    /// No throwaway link kind could be made; the notes say why for each kind.
    case noLinkKind([String: String])
    /// The probe's own set-up failed for another reason (descriptors exhausted, a thread that cannot start).
    case setUpFailed(String)

    /// Whether it is about this host's privilege or kernel (exit status 2) rather than a failure (1).
    public var isAboutTheHost: Bool {
        switch self {
        case .notPermitted, .noLinkKind: return true
        case .setUpFailed: return false
        }
    }

    public var description: String {
        switch self {
        case .notPermitted(let detail):
            return "cannot make scratch network namespaces (\(detail)): needs CAP_SYS_ADMIN and CAP_NET_ADMIN; "
                + "run as root (sudo linkcaps probe) or rootless inside `unshare -Ur --net`"
        case .noLinkKind(let notes):
            let skipped = notes.values.contains { $0.hasPrefix("skipped") }
            return "no throwaway link kind can be made here: "
                + notes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
                + (skipped ? " — run with --load-modules to let linkcaps load one (no devices are created)" : "")
        case .setUpFailed(let detail):
            return "the probe could not set up: \(detail)"
        }
    }
}
