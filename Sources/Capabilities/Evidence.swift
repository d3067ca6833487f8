/// What a link notification said happened (RTM_NEWLINK or RTM_DELLINK), as the report writes it.
public enum LinkEventKind: String, Codable, CaseIterable, Sendable {
    case newLink = "NEWLINK"
    case delLink = "DELLINK"
}

/// One link event as a namespace saw it, in order.
public struct ObservedEvent: Codable, Equatable, Sendable {
    public var event: LinkEventKind
    public var name: String?
    public var ifindex: Int32
    public var up: Bool
    public var newNetnsId: Int32?
    public var newIfindex: Int32?

    public init(event: LinkEventKind, name: String?, ifindex: Int32, up: Bool, newNetnsId: Int32? = nil,
                newIfindex: Int32? = nil) {
        self.event = event
        self.name = name
        self.ifindex = ifindex
        self.up = up
        self.newNetnsId = newNetnsId
        self.newIfindex = newIfindex
    }
}

/// One name check made after an experiment's request: which namespace, which name, what the kernel said.
/// Resolution is what tells kernels apart where a name's registration and the link's own list disagree
/// (altnames before v6.6: listed on the moved link, still registered in the source).
public struct NameLookup: Codable, Equatable, Sendable {
    public enum Namespace: String, Codable, CaseIterable, Sendable { case source, target }
    public enum Action: String, Codable, CaseIterable, Sendable {
        /// RTM_GETLINK by IFLA_IFNAME or IFLA_ALT_IFNAME.
        case lookup
        /// Giving the name to another link (RTM_NEWLINKPROP).
        case reuse
    }

    public var namespace: Namespace
    public var action: Action
    public var name: String
    /// 0 when the kernel answered with a link (lookup) or accepted the name (reuse).
    public var errno: Int32
    public var errnoName: String?
    /// The link the name resolved to, as the answer carried it; nil when it resolved to none.
    public var ifindex: Int32?

    public init(namespace: Namespace, action: Action, name: String, errno: Int32, errnoName: String? = nil,
                ifindex: Int32? = nil) {
        self.namespace = namespace
        self.action = action
        self.name = name
        self.errno = errno
        self.errnoName = errnoName
        self.ifindex = ifindex
    }

    enum CodingKeys: String, CodingKey { case namespace, action, name, errno, errnoName, ifindex }

    // The report format writes "errnoName" and "ifindex" as null rather than leaving them out: every lookup
    // has the same keys, so a reader sees at a glance which name resolved nowhere.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(namespace, forKey: .namespace)
        try container.encode(action, forKey: .action)
        try container.encode(name, forKey: .name)
        try container.encode(errno, forKey: .errno)
        try container.encode(errnoName, forKey: .errnoName)
        try container.encode(ifindex, forKey: .ifindex)
    }
}

/// What an experiment did and saw: the request, the kernel's answer, the events of each namespace, where
/// the link ended up, the name checks made afterwards, and how long it took.
public struct Evidence: Codable, Equatable, Sendable {
    public var request: String?
    /// 0 when the kernel acknowledged the request.
    public var errno: Int32?
    public var errnoName: String?
    public var extack: String?
    public var source: [ObservedEvent]?
    public var target: [ObservedEvent]?
    /// Where the link was found afterwards, in plain words.
    public var outcome: String?
    /// Name checks made after the request, in order (optional: reports before the altname questions lack it).
    public var lookups: [NameLookup]?
    /// Attribute readings, e.g. `IFLA_NETNS_IMMUTABLE: "1"` or `"absent"`.
    public var attributes: [String: String]?
    public var durationMs: Double

    public init(request: String? = nil, errno: Int32? = nil, errnoName: String? = nil, extack: String? = nil,
                source: [ObservedEvent]? = nil, target: [ObservedEvent]? = nil, outcome: String? = nil,
                lookups: [NameLookup]? = nil, attributes: [String: String]? = nil, durationMs: Double = 0) {
        self.request = request
        self.errno = errno
        self.errnoName = errnoName
        self.extack = extack
        self.source = source
        self.target = target
        self.outcome = outcome
        self.lookups = lookups
        self.attributes = attributes
        self.durationMs = durationMs
    }
}

/// Version metadata, used only to explain a result, never to decide it.
public struct CapabilityMetadata: Codable, Equatable, Sendable {
    public var upstreamCommit: String?
    public var firstRelease: String?

    public init(upstreamCommit: String? = nil, firstRelease: String? = nil) {
        self.upstreamCommit = upstreamCommit
        self.firstRelease = firstRelease
    }
}

/// One capability's answer in a report.
public struct CapabilityResult: Codable, Equatable, Sendable {
    public var state: CapabilityState
    /// One line, plain words: why this state.
    public var summary: String
    public var evidence: Evidence
    public var metadata: CapabilityMetadata

    public init(state: CapabilityState, summary: String, evidence: Evidence, metadata: CapabilityMetadata) {
        self.state = state
        self.summary = summary
        self.evidence = evidence
        self.metadata = metadata
    }
}
