/// One link event as a namespace saw it, in order.
public struct ObservedEvent: Codable, Equatable, Sendable {
    public var event: String          // "NEWLINK" or "DELLINK"
    public var name: String?
    public var ifindex: Int32
    public var up: Bool
    public var newNetnsId: Int32?
    public var newIfindex: Int32?

    public init(event: String, name: String?, ifindex: Int32, up: Bool, newNetnsId: Int32? = nil,
                newIfindex: Int32? = nil) {
        self.event = event
        self.name = name
        self.ifindex = ifindex
        self.up = up
        self.newNetnsId = newNetnsId
        self.newIfindex = newIfindex
    }
}

/// What an experiment did and saw: the request, the kernel's answer, the events of each namespace, where
/// the link ended up, and how long it took.
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
    public var durationMs: Double

    public init(request: String? = nil, errno: Int32? = nil, errnoName: String? = nil, extack: String? = nil,
                source: [ObservedEvent]? = nil, target: [ObservedEvent]? = nil, outcome: String? = nil,
                durationMs: Double = 0) {
        self.request = request
        self.errno = errno
        self.errnoName = errnoName
        self.extack = extack
        self.source = source
        self.target = target
        self.outcome = outcome
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
