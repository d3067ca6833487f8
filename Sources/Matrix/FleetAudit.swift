import Capabilities
import Policy

/// A fleet's support matrix: one group per (kernel release, distro), with counts only — the result of an
/// audit, whatever the number of hosts. Codable for --format json.
public struct FleetAudit: Codable, Equatable, Sendable {
    public struct StateCounts: Codable, Equatable, Sendable {
        public var supported = 0, unsupported = 0, inconclusive = 0, skipped = 0, missing = 0
    }

    public struct Disagreement: Codable, Equatable, Sendable {
        public var capability: String
        public var kind: Agreement
        public var inferred: Inference
        /// Hosts whose observation contradicts the inference.
        public var hosts: Int
        public var knownBackport: String?
    }

    public struct Group: Codable, Equatable, Sendable {
        public var release: String
        /// "debian 12", or "unknown" when reports carry no os-release.
        public var distro: String
        /// The version inference used (from the distro's kernel version, else the release).
        public var kernelVersion: String?
        public var hosts: Int
        /// Strategy.preferredInbound → number of hosts.
        public var strategies: [String: Int]
        public var capabilities: [String: StateCounts]
        public var inferred: [String: Inference]
        public var inconclusiveHosts: Int
        /// The first few inconclusive hosts, as "source (boot id)".
        public var inconclusiveExamples: [String]
        public var disagreements: [Disagreement]
    }

    public struct Malformed: Codable, Equatable, Sendable {
        public var source: String
        public var reason: String
    }

    /// What a node list (`kubectl get nodes -o json`) held besides the labelled nodes counted as reports.
    public struct NodeCounts: Codable, Equatable, Sendable {
        /// Nodes read from node lists, labelled or not.
        public var listed = 0
        /// Nodes without any linkcaps.io/ label: never probed, or their labels expired.
        public var unlabelled = 0
        /// Nodes whose labels describe another kernel than the one they run: to be refreshed.
        public var stale = 0
        /// The first few unlabelled and stale nodes, with the reason.
        public var named: [Malformed] = []
        public init() {}
    }

    /// Reports read (good and malformed); a labelled node of a node list counts as one.
    public var reports: Int
    public var hosts: Int
    public var malformedCount: Int
    /// The first `FleetAuditor.Limits.malformedNamed` malformed reports, named by source.
    public var malformed: [Malformed]
    public var groups: [Group]
    /// Hosts folded into the "(other)" group once `maxGroups` distinct groups were seen.
    public var hostsInOverflowGroup: Int
    /// Capability ids this tool does not know → number of reports carrying them.
    public var unknownCapabilities: [String: Int]
    public var capabilityOrder: [String]
    /// Present only when a node list was read.
    public var nodes: NodeCounts?
}
