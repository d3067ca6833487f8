import Capabilities
import JSONText
import FleetOutput

/// Reads `kubectl get nodes -o json` (a List of Nodes, or a NodeList from the API) for the labels the
/// DaemonSet publishes through NFD (FleetOutput's NFDFeatureFile), so that a cluster is audited from the
/// API alone. Each node becomes the LeanReport its labels describe, or says why it has none.
public enum NodeListReader {
    public enum Node: Equatable, Sendable {
        case labelled(LeanReport, name: String)
        /// No linkcaps.io/ label: the DaemonSet has not run there, or NFD dropped expired labels.
        case unlabelled(name: String)
        /// The labels describe another kernel than the node runs (written before a reboot into a new one).
        case stale(name: String, reason: String)
        case malformed(name: String, reason: String)
    }

    /// NFD's own labels for the host's os-release (its `system` source), the audit's distro.
    static let osIDLabel = "feature.node.kubernetes.io/system-os_release.ID"
    static let osVersionLabel = "feature.node.kubernetes.io/system-os_release.VERSION_ID"

    /// Whether the document's first key is one of a Kubernetes list's (apiVersion, kind, items, metadata;
    /// kubectl prints apiVersion first), which no probe report has: what `linkcaps audit` auto-detects by.
    /// Only the first few bytes are needed (stdin is peeked at, not read whole).
    public static func looksLikeKubernetesObject(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var scanner = JSONScanner(bytes)
        guard scanner.peek() == UInt8(ascii: "{") else { return false }
        scanner.at += 1
        guard let key = try? scanner.string() else { return false }
        return ["apiVersion", "kind", "items", "metadata"].contains { scanner.equals(key, Array($0.utf8)) }
    }

    /// The nodes of the list, in order; throws when the document is not a list of nodes at all.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> [Node] {
        var scanner = JSONScanner(bytes)
        var nodes: [Node] = []
        var kind: String?
        var sawItems = false
        try scanner.object { scanner, key in
            if scanner.equals(key, "kind") {
                kind = try shortString(&scanner)
            } else if scanner.equals(key, "items") {
                sawItems = true
                var index = 0
                try scanner.array { scanner in
                    nodes.append(try node(&scanner, index: index))
                    index += 1
                }
            } else {
                try scanner.skipValue()
            }
        }
        try scanner.end()
        guard kind == "List" || kind == "NodeList" else {
            throw NodeListError("not a node list (kind \(kind ?? "missing"); want `kubectl get nodes -o json`)")
        }
        guard sawItems else { throw NodeListError("a \(kind!) without items") }
        return nodes
    }

    /// One item: its syntax is checked whole (a syntax error ends the document); its meaning per node.
    static func node(_ scanner: inout JSONScanner, index: Int) throws -> Node {
        var name: String?
        var kind: String?
        var labels: [(String, String)] = []
        var labelProblem: String?
        var kernel: String?
        var bootID: String?
        guard scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return .malformed(name: "items[\(index)]", reason: "not an object")
        }
        try scanner.object { scanner, key in
            if scanner.equals(key, "kind") {
                kind = try shortString(&scanner)
            } else if scanner.equals(key, "metadata") {
                try object(&scanner) { scanner, key in
                    if scanner.equals(key, "name") {
                        name = try shortString(&scanner)
                    } else if scanner.equals(key, "labels") {
                        try object(&scanner) { scanner, key in
                            let label = scanner.text(key, limit: 320)
                            guard let value = try shortString(&scanner) else {
                                labelProblem = labelProblem ?? "label \(label) is not a short string"
                                return
                            }
                            labels.append((label, value))
                        }
                    } else { try scanner.skipValue() }
                }
            } else if scanner.equals(key, "status") {
                try object(&scanner) { scanner, key in
                    guard scanner.equals(key, "nodeInfo") else { return try scanner.skipValue() }
                    try object(&scanner) { scanner, key in
                        if scanner.equals(key, "kernelVersion") {
                            kernel = try shortString(&scanner)
                        } else if scanner.equals(key, "bootID") {
                            bootID = try shortString(&scanner)
                        } else { try scanner.skipValue() }
                    }
                }
            } else {
                try scanner.skipValue()
            }
        }
        let label = name.map { "node/\($0)" } ?? "items[\(index)]"
        if let kind, kind != "Node" { return .malformed(name: label, reason: "a \(kind), not a Node") }
        if let labelProblem { return .malformed(name: label, reason: labelProblem) }
        return interpret(labels, kernel: kernel, bootID: bootID, name: label)
    }

    /// A string value of at most `ReportReader.maxKeptString` bytes; nil (and consumed) for a longer
    /// string or another kind of value.
    static func shortString(_ scanner: inout JSONScanner) throws -> String? {
        guard scanner.peek() == UInt8(ascii: "\"") else { try scanner.skipValue(); return nil }
        let range = try scanner.string()
        guard range.end - range.start <= ReportReader.maxKeptString else { return nil }
        return scanner.text(range, limit: ReportReader.maxKeptString)
    }

    /// An object's members, or nothing when the value is not an object (kept for the per-node verdict).
    static func object(_ scanner: inout JSONScanner, _ member: (inout JSONScanner, JSONScanner.Range) throws -> Void) throws {
        guard scanner.peek() == UInt8(ascii: "{") else { return try scanner.skipValue() }
        try scanner.object(member)
    }

    /// What the labels say, checked against what the node runs.
    static func interpret(_ labels: [(String, String)], kernel: String?, bootID: String?, name: String) -> Node {
        let prefix = NFDFeatureFile.prefix
        let ours = labels.filter { $0.0.hasPrefix(prefix) }.map { (String($0.0.dropFirst(prefix.count)), $0.1) }
        guard !ours.isEmpty else { return .unlabelled(name: name) }
        var report = LeanReport()
        report.schemaVersion = Report.currentSchemaVersion
        report.bootID = bootID
        var labelledKernel: String?
        for (key, value) in ours {
            switch key {
            case NFDFeatureFile.kernelLabel: labelledKernel = value
            case NFDFeatureFile.distroKernelLabel: report.distroKernelVersion = value
            case _ where key.hasPrefix("strategy."): continue
            default:
                guard isCapabilityID(key) else { return .malformed(name: name, reason: "label \(prefix)\(key): not a capability id") }
                guard let state = CapabilityState(rawValue: value) else {
                    return .malformed(name: name, reason: "label \(prefix)\(key)=\(value): unknown state")
                }
                if let id = CapabilityID(rawValue: key) {
                    report.states[id.index] = state
                } else {
                    report.unknownCapabilities.append(key)
                }
            }
        }
        switch (labelledKernel, kernel) {
        case (nil, nil):
            return .malformed(name: name, reason: "no \(prefix)\(NFDFeatureFile.kernelLabel) label and no status.nodeInfo.kernelVersion")
        case (let labelled?, let running?) where NFDFeatureFile.labelValue(running) != labelled:
            return .stale(name: name, reason: "labels describe kernel \(labelled), the node runs \(running)")
        case (_, let running?):
            report.release = running
        case (let labelled?, nil):
            report.release = labelled
        }
        for (key, value) in labels {
            if key == osIDLabel { report.distroID = value } else if key == osVersionLabel { report.versionID = value }
        }
        return .labelled(report, name: name)
    }

    /// `^[a-z]+\.[A-Za-z]+$`, the shape of every capability id (schemas/report.schema.json).
    static func isCapabilityID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts[0].utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }
            && parts[1].utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) }
    }
}

/// Why a document is not a node list at all (a single node's problems are `Node.malformed`).
public struct NodeListError: Error, Equatable, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
