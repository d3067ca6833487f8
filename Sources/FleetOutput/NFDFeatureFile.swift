import Capabilities
import Policy

/// A Kubernetes Node Feature Discovery local feature file: `name=value` lines that nfd-worker's `local`
/// source reads from /etc/kubernetes/node-feature-discovery/features.d/ and turns into node labels
/// (`linkcaps.io/move.singleRequest=supported`). Label values must be ≤ 63 characters of
/// [A-Za-z0-9._-], beginning and ending alphanumeric; names carry our own prefix so NFD keeps them as is.
/// `linkcaps audit` reads the labels back from `kubectl get nodes -o json` (Matrix's NodeListReader).
public enum NFDFeatureFile {
    public static let prefix = "linkcaps.io/"
    /// Where nfd-worker looks for feature files (deploy/daemonset.yaml mounts the host's copy here).
    public static let defaultDirectory = "/etc/kubernetes/node-feature-discovery/features.d"
    /// The file's name; FeatureFileWriter writes ".linkcaps" first (nfd-worker skips dotfiles).
    public static let fileName = "linkcaps"

    /// Our labels that are not capabilities (after the prefix). Capability ids never contain "-", and
    /// "strategy." is not a capability family.
    public static let kernelLabel = "kernel"
    public static let distroKernelLabel = "distro-kernel"
    public static let strategyLabel = "strategy.singleRequest"

    /// One line per capability the report has (known ids in the report's order, then unknown ones sorted),
    /// plus the kernel release, the distro's kernel version when known and the strategy, so that a label
    /// selector can pick nodes by them. With `expiry` (an `NFDExpiry.directive` line), nfd-worker drops the labels
    /// once that time has passed unless the file is rewritten (NFD applies the directive to the lines after it).
    public static func render(_ report: Report, expiry: String? = nil) -> String {
        var out = expiry.map { $0 + "\n" } ?? ""
        out += "# linkcaps \(report.tool.version) — written by `linkcaps probe --format nfd`\n"
        out += "\(prefix)\(kernelLabel)=\(labelValue(report.kernel.release))\n"
        if let distro = report.facts?.distroKernelVersion.map(labelValue), !distro.isEmpty {
            out += "\(prefix)\(distroKernelLabel)=\(distro)\n"
        }
        for id in CapabilityID.allCases {
            guard let result = report[id] else { continue }
            out += "\(prefix)\(id.rawValue)=\(result.state.rawValue)\n"
        }
        let known = Set(CapabilityID.allCases.map(\.rawValue))
        for (id, result) in report.capabilities.sorted(by: { $0.key < $1.key }) where !known.contains(id) {
            let name = labelValue(id)
            guard !name.isEmpty else { continue }
            out += "\(prefix)\(name)=\(result.state.rawValue)\n"
        }
        // The policy's own rule (Strategy.inbound, without a name clash), not a copy of it.
        out += "\(prefix)\(strategyLabel)=\(Strategy.preferredInbound(for: report) == .singleRequest)\n"
        return out
    }

    /// Makes text a valid label value: other characters become "_", cut to 63, trimmed to alphanumerics.
    public static func labelValue(_ text: String) -> String {
        var bytes = text.utf8.prefix(63).map { byte -> UInt8 in
            let ok = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
            return ok ? byte : 0x5F
        }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        while let first = bytes.first, !alnum(first) { bytes.removeFirst() }
        while let last = bytes.last, !alnum(last) { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
