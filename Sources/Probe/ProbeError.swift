/// Why the probe could not run at all (as opposed to an experiment that could not conclude).
public enum ProbeError: Error, CustomStringConvertible, Equatable {
    case notPermitted(String)
    case noLinkKind([String: String])

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
        }
    }
}
