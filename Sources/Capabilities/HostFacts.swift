/// Facts about the host that explain a report: the distro's own kernel version, loaded modules, drivers.
/// Gathered by KernelFacts (libkmod); the report carries them when the reporter could gather them.
public struct HostFacts: Codable, Equatable, Sendable {
    public struct OSRelease: Codable, Equatable, Sendable {
        public var id: String?
        public var versionId: String?
        public var prettyName: String?
        public init(id: String? = nil, versionId: String? = nil, prettyName: String? = nil) {
            self.id = id
            self.versionId = versionId
            self.prettyName = prettyName
        }
    }

    public struct Module: Codable, Equatable, Sendable {
        public enum State: String, Codable, Sendable { case builtin, live, loadable, absent, unknown }
        public var name: String
        public var state: State
        public var path: String?
        public var version: String?
        public var srcversion: String?
        public var vermagic: String?
        public var dependencies: [String]
        public var note: String?
        public init(name: String, state: State, path: String? = nil, version: String? = nil,
                    srcversion: String? = nil, vermagic: String? = nil, dependencies: [String] = [],
                    note: String? = nil) {
            self.name = name
            self.state = state
            self.path = path
            self.version = version
            self.srcversion = srcversion
            self.vermagic = vermagic
            self.dependencies = dependencies
            self.note = note
        }
    }

    /// The distro's own kernel version where the kernel encodes it ("Debian 6.1.170-1", Ubuntu's signature).
    public var distroKernelVersion: String?
    public var osRelease: OSRelease?
    /// Effective capability bits of the prober, as hex.
    public var effectiveCapabilities: String?
    public var hasModuleSupport: Bool?
    public var modules: [Module]

    public init(distroKernelVersion: String? = nil, osRelease: OSRelease? = nil, effectiveCapabilities: String? = nil,
                hasModuleSupport: Bool? = nil, modules: [Module] = []) {
        self.distroKernelVersion = distroKernelVersion
        self.osRelease = osRelease
        self.effectiveCapabilities = effectiveCapabilities
        self.hasModuleSupport = hasModuleSupport
        self.modules = modules
    }
}
