import Capabilities

/// Kernels × capabilities: every cell observed (from an observation file) or inferred (from the catalogue).
/// Built once from data the CLI read; renderers only present it.
public struct CompatibilityMatrix: Codable, Equatable, Sendable {
    public struct Cell: Codable, Equatable, Sendable {
        public var capability: String
        /// The state the probe reported, nil when the observation lacks this capability.
        public var observed: CapabilityState?
        public var summary: String?
        public var inferred: Inference
        public var agreement: Agreement
        /// The backport that explains the disagreement, when the catalogue knows it.
        public var knownBackport: String?
    }

    public struct Row: Codable, Equatable, Sendable {
        public var release: String
        public var version: String?
        public var package: String?
        /// The observation file the row came from.
        public var source: String
        public var cells: [Cell]
        /// True when some observed cell contradicts the inference: a backport or a regression.
        public var flagged: Bool
    }

    public var capabilities: [String]
    public var titles: [String]
    public var rows: [Row]

    /// Rows sorted by kernel version, then release; one per observation.
    public init(catalogue: Catalogue, observations: [(source: String, observation: Observation)]) {
        let ids = CapabilityID.allCases
        capabilities = ids.map(\.rawValue)
        titles = ids.map { catalogue.entry($0)?.title ?? $0.rawValue }
        rows = observations.map { source, observation in
            let version = observation.kernelVersion
            let cells = ids.map { id -> Cell in
                let result = observation.report[id]
                let inferred = catalogue.inference(id, for: version)
                let agreement = Agreement(observed: result?.state, inferred: inferred)
                let backport = agreement == .backport
                    ? catalogue.knownBackport(id, in: version).map { "\($0.branch) since \($0.since)" } : nil
                return Cell(capability: id.rawValue, observed: result?.state, summary: result?.summary,
                            inferred: inferred, agreement: agreement, knownBackport: backport)
            }
            return Row(release: observation.kernel.release, version: version?.description,
                       package: observation.kernel.package, source: source, cells: cells,
                       flagged: cells.contains { $0.agreement.isDisagreement })
        }.sorted { lhs, rhs in
            let l = lhs.version.flatMap(KernelVersion.init(parsing:)), r = rhs.version.flatMap(KernelVersion.init(parsing:))
            return l == r ? lhs.release < rhs.release : (l ?? KernelVersion(0, 0)) < (r ?? KernelVersion(0, 0))
        }
    }
}

/// How an observation compares with the version inference.
public enum Agreement: String, Codable, Sendable {
    /// Both say the same.
    case agrees
    /// Seen supported where the mainline release says it should not be: a backport (or a wrong catalogue).
    case backport
    /// Seen unsupported where the release says it should be: a regression, a distro patch, or a wrong catalogue.
    case regression
    /// Only one side has an answer (no observation, inconclusive, or no inference).
    case undecided

    public init(observed: CapabilityState?, inferred: Inference) {
        switch (observed, inferred) {
        case (.supported?, .supported), (.unsupported?, .unsupported): self = .agrees
        case (.supported?, .unsupported): self = .backport
        case (.unsupported?, .supported): self = .regression
        default: self = .undecided
        }
    }

    public var isDisagreement: Bool { self == .backport || self == .regression }
}
