import Capabilities
import JSONText
import Policy

/// Aggregates reports as they are read: per group a fixed set of counters, nothing per host beyond a few
/// named examples. Memory grows with the number of groups (capped by `maxGroups`), not of hosts.
public struct FleetAuditor {
    public struct Limits: Sendable {
        public var maxGroups = 10_000
        public var malformedNamed = 100
        public var examplesPerGroup = 5
        public var unknownCapabilityNames = 64
        public init() {}
    }

    struct Key: Hashable {
        var release: String
        var distro: String
    }

    static let idCount = CapabilityID.allCases.count
    static let stateCount = CapabilityState.allCases.count

    struct Accumulator {
        var key: Key
        var version: KernelVersion?
        var hosts = 0
        /// [capability * (states + 1) + state], the extra slot counting "missing".
        var counts = [Int](repeating: 0, count: FleetAuditor.idCount * (FleetAuditor.stateCount + 1))
        var strategies = [Int](repeating: 0, count: Strategy.allCases.count)
        var inconclusive = 0
        var examples: [String] = []
    }

    public let catalogue: Catalogue
    let limits: Limits
    var index: [Key: Int] = [:]
    var groups: [Accumulator] = []
    var reports = 0
    var malformedCount = 0
    var malformed: [FleetAudit.Malformed] = []
    var overflowHosts = 0
    var unknown: [String: Int] = [:]
    var nodes: FleetAudit.NodeCounts?
    /// The policy's answer depends only on the states, so it is asked once per distinct combination.
    var strategyMemo: [[CapabilityState?]: Int] = [:]

    public init(catalogue: Catalogue, limits: Limits = Limits()) {
        self.catalogue = catalogue
        self.limits = limits
    }

    /// One report's bytes (a JSON line or a whole file); `source` is asked for only when needed.
    public mutating func add(_ bytes: UnsafeRawBufferPointer, source: () -> String) {
        reports += 1
        do {
            add(try ReportReader.lean(bytes), source: source)
        } catch {
            noteMalformed(source(), "\(error)")
        }
    }

    /// A node list (`kubectl get nodes -o json`): each labelled node counts as a report named
    /// `source:node/<name>`; unlabelled and stale nodes are counted apart (FleetAudit.nodes).
    public mutating func addNodeList(_ bytes: UnsafeRawBufferPointer, source: String) {
        let parsed: [NodeListReader.Node]
        do { parsed = try NodeListReader.parse(bytes) } catch {
            return addUnreadable(source: source, reason: "\(error)")
        }
        var counts = nodes ?? FleetAudit.NodeCounts()
        for node in parsed {
            counts.listed += 1
            switch node {
            case .labelled(let report, let name):
                reports += 1
                add(report, source: { "\(source):\(name)" })
            case .malformed(let name, let reason):
                addUnreadable(source: "\(source):\(name)", reason: reason)
            case .unlabelled(let name):
                counts.unlabelled += 1
                if counts.named.count < limits.malformedNamed {
                    counts.named.append(.init(source: "\(source):\(name)", reason: "no linkcaps.io labels"))
                }
            case .stale(let name, let reason):
                counts.stale += 1
                if counts.named.count < limits.malformedNamed {
                    counts.named.append(.init(source: "\(source):\(name)", reason: "stale: " + reason))
                }
            }
        }
        nodes = counts
    }

    /// A report that could not even be read as bytes (a line over the length cap, an unreadable file).
    public mutating func addUnreadable(source: String, reason: String) {
        reports += 1
        noteMalformed(source, reason)
    }

    mutating func noteMalformed(_ source: String, _ reason: String) {
        malformedCount += 1
        if malformed.count < limits.malformedNamed { malformed.append(.init(source: source, reason: reason)) }
    }

    mutating func add(_ report: LeanReport, source: () -> String) {
        // Group keys and names are shown to people (terminals, XHTML): control characters made visible.
        var distro = "unknown"
        if let id = report.distroID { distro = JSONScanner.printable(report.versionID.map { "\(id) \($0)" } ?? id) }
        var key = Key(release: JSONScanner.printable(report.release), distro: distro)
        var slot = index[key]
        if slot == nil {
            if groups.count >= limits.maxGroups {
                key = Key(release: "(other)", distro: "(other)")
                overflowHosts += 1
                slot = index[key]
            }
            if slot == nil {
                slot = groups.count
                index[key] = groups.count
                let version = report.distroKernelVersion.flatMap(KernelVersion.init(parsing:))
                    ?? KernelVersion(parsing: report.release)
                groups.append(Accumulator(key: key, version: key.release == "(other)" ? nil : version))
            }
        }
        let g = slot!
        groups[g].hosts += 1
        let width = Self.stateCount + 1
        var inconclusive = false
        for (i, state) in report.states.enumerated() {
            let column = state.map { Self.stateIndex[$0]! } ?? Self.stateCount
            groups[g].counts[i * width + column] += 1
            if state == .inconclusive { inconclusive = true }
        }
        groups[g].strategies[strategyIndex(report.states)] += 1
        if inconclusive {
            groups[g].inconclusive += 1
            if groups[g].examples.count < limits.examplesPerGroup {
                groups[g].examples.append(source() + (report.bootID.map { " (boot \(JSONScanner.printable($0)))" } ?? ""))
            }
        }
        for unknownName in report.unknownCapabilities {
            let name = JSONScanner.printable(Self.prefix(unknownName, bytes: 64))
            if unknown[name] != nil || unknown.count < limits.unknownCapabilityNames {
                unknown[name, default: 0] += 1
            } else {
                unknown["(others)", default: 0] += 1
            }
        }
    }

    /// At most `bytes` bytes of UTF-8, cut at a scalar boundary (unknown ids are named, not kept whole).
    static func prefix(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var cut = String.UnicodeScalarView(), used = 0
        for scalar in text.unicodeScalars {
            used += UTF8.width(scalar)
            if used > bytes { break }
            cut.append(scalar)
        }
        return String(cut)
    }

    static let stateIndex: [CapabilityState: Int] = Dictionary(
        uniqueKeysWithValues: CapabilityState.allCases.enumerated().map { ($1, $0) })

    mutating func strategyIndex(_ states: [CapabilityState?]) -> Int {
        if let known = strategyMemo[states] { return known }
        var lean = LeanReport()
        lean.states = states
        let strategy = Strategy.preferredInbound(for: lean.report(source: .probe))
        let index = Strategy.allCases.firstIndex(of: strategy)!
        // Real fleets show a handful of combinations; adversarial input could show millions: stop memoising.
        if strategyMemo.count < 4096 { strategyMemo[states] = index }
        return index
    }

    /// The audit so far, groups sorted by kernel version, release, then distro.
    public func result() -> FleetAudit {
        let ids = CapabilityID.allCases
        let width = Self.stateCount + 1
        let built = groups.map { acc -> FleetAudit.Group in
            var capabilities: [String: FleetAudit.StateCounts] = [:]
            var inferred: [String: Inference] = [:]
            var disagreements: [FleetAudit.Disagreement] = []
            for (i, id) in ids.enumerated() {
                let c = acc.counts[(i * width)..<(i * width + width)].map { $0 }
                var counts = FleetAudit.StateCounts()
                for (s, state) in CapabilityState.allCases.enumerated() {
                    switch state {
                    case .supported: counts.supported = c[s]
                    case .unsupported: counts.unsupported = c[s]
                    case .inconclusive: counts.inconclusive = c[s]
                    case .skipped: counts.skipped = c[s]
                    }
                }
                counts.missing = c[Self.stateCount]
                capabilities[id.rawValue] = counts
                let inference = catalogue.inference(id, for: acc.version)
                inferred[id.rawValue] = inference
                if inference == .unsupported, counts.supported > 0 {
                    let backport = catalogue.knownBackport(id, in: acc.version).map { "\($0.branch) since \($0.since)" }
                    disagreements.append(.init(capability: id.rawValue, kind: .backport, inferred: inference,
                                               hosts: counts.supported, knownBackport: backport))
                } else if inference == .supported, counts.unsupported > 0 {
                    disagreements.append(.init(capability: id.rawValue, kind: .regression, inferred: inference,
                                               hosts: counts.unsupported, knownBackport: nil))
                }
            }
            var strategies: [String: Int] = [:]
            for (s, strategy) in Strategy.allCases.enumerated() where acc.strategies[s] > 0 {
                strategies[strategy.rawValue] = acc.strategies[s]
            }
            return FleetAudit.Group(release: acc.key.release, distro: acc.key.distro,
                                    kernelVersion: acc.version?.description, hosts: acc.hosts, strategies: strategies,
                                    capabilities: capabilities, inferred: inferred, inconclusiveHosts: acc.inconclusive,
                                    inconclusiveExamples: acc.examples, disagreements: disagreements)
        }.sorted { lhs, rhs in
            let l = lhs.kernelVersion.flatMap(KernelVersion.init(parsing:)) ?? KernelVersion(Int.max, 0)
            let r = rhs.kernelVersion.flatMap(KernelVersion.init(parsing:)) ?? KernelVersion(Int.max, 0)
            return (l, lhs.release, lhs.distro) < (r, rhs.release, rhs.distro)
        }
        return FleetAudit(reports: reports, hosts: groups.reduce(0) { $0 + $1.hosts }, malformedCount: malformedCount,
                          malformed: malformed, groups: built, hostsInOverflowGroup: overflowHosts,
                          unknownCapabilities: unknown, capabilityOrder: ids.map(\.rawValue), nodes: nodes)
    }
}
