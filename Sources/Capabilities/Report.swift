/// The probe's result: what this kernel was seen to do. Versioned; documented in the README.
public struct Report: Codable, Equatable, Sendable {
    public static let currentSchemaVersion = 1

    public struct Tool: Codable, Equatable, Sendable {
        public var name: String
        public var version: String
        public init(name: String, version: String) { self.name = name; self.version = version }
    }

    public struct Kernel: Codable, Equatable, Sendable {
        public var release: String
        public var version: String
        public init(release: String, version: String) { self.release = release; self.version = version }
    }

    public struct ProbeRun: Codable, Equatable, Sendable {
        public var id: String
        public var startedAt: String
        public var durationMs: Double
        /// The throwaway link kind used, nil when none could be made.
        public var linkKind: String?
        /// Why the kinds tried before `linkKind` could not be used.
        public var linkKindNotes: [String: String]
        public var privileged: Bool
        /// Kernel modules loaded for the probe: with --load-modules, or by the kernel itself for a link kind
        /// whose module creates no device (veth) when no other kind was there. nil when neither happened.
        public var modulesLoaded: [String]?
        /// The experiments that run only when asked for (they leave a trace, e.g. a kernel warning) and
        /// were asked for in this run; nil when none was.
        public var experimentsAsked: [String]?

        public init(id: String, startedAt: String, durationMs: Double, linkKind: String?,
                    linkKindNotes: [String: String], privileged: Bool, modulesLoaded: [String]? = nil,
                    experimentsAsked: [String]? = nil) {
            self.id = id
            self.startedAt = startedAt
            self.durationMs = durationMs
            self.linkKind = linkKind
            self.linkKindNotes = linkKindNotes
            self.privileged = privileged
            self.modulesLoaded = modulesLoaded
            self.experimentsAsked = experimentsAsked
        }
    }

    public enum Source: String, Codable, CaseIterable, Sendable { case probe, cache }

    public var schemaVersion: Int
    public var tool: Tool
    public var kernel: Kernel
    public var bootId: String
    public var probe: ProbeRun
    /// Keyed by capability id. Unknown ids from newer tools are kept, not rejected.
    public var capabilities: [String: CapabilityResult]
    /// Host facts (kernel, distro, modules); absent when the reporter did not gather them.
    public var facts: HostFacts?
    public var source: Source

    public init(schemaVersion: Int = Report.currentSchemaVersion, tool: Tool, kernel: Kernel, bootId: String,
                probe: ProbeRun, capabilities: [String: CapabilityResult], facts: HostFacts? = nil,
                source: Source = .probe) {
        self.schemaVersion = schemaVersion
        self.tool = tool
        self.kernel = kernel
        self.bootId = bootId
        self.probe = probe
        self.capabilities = capabilities
        self.facts = facts
        self.source = source
    }

    public subscript(id: CapabilityID) -> CapabilityResult? {
        get { capabilities[id.rawValue] }
        set { capabilities[id.rawValue] = newValue }
    }

    public func state(_ id: CapabilityID) -> CapabilityState? { self[id]?.state }

    public func holds(_ id: CapabilityID) -> Bool { state(id) == .supported }
}
