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
        public enum State: String, Codable, CaseIterable, Sendable { case builtin, live, loadable, absent, unknown }
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

    /// The driver behind a named interface, as ETHTOOL_GDRVINFO (in the interface's namespace) or sysfs
    /// (host namespace only) told it.
    public struct Interface: Codable, Equatable, Sendable {
        /// Where the driver was read: ETHTOOL_GDRVINFO, sysfs, or nowhere (`note` says why).
        public enum Source: String, Codable, CaseIterable, Sendable { case ethtool, sysfs, none }

        public var name: String
        public var driver: String?
        public var driverVersion: String?
        public var firmwareVersion: String?
        public var busInfo: String?
        /// The kernel module behind the driver, when it is one (sysfs names it; else the driver name).
        public var module: String?
        public var source: Source
        public var note: String?
        public init(name: String, driver: String? = nil, driverVersion: String? = nil, firmwareVersion: String? = nil,
                    busInfo: String? = nil, module: String? = nil, source: Source, note: String? = nil) {
            self.name = name
            self.driver = driver
            self.driverVersion = driverVersion
            self.firmwareVersion = firmwareVersion
            self.busInfo = busInfo
            self.module = module
            self.source = source
            self.note = note
        }
    }

    /// Where libkmod looked and whether it found an index there; messages are libkmod's own log lines.
    public struct ModuleDatabase: Codable, Equatable, Sendable {
        public var directory: String?
        public var available: Bool
        public var note: String?
        public var messages: [String]?
        public init(directory: String? = nil, available: Bool, note: String? = nil, messages: [String]? = nil) {
            self.directory = directory
            self.available = available
            self.note = note
            self.messages = messages
        }
    }

    /// The distro's own kernel version where the kernel encodes it ("Debian 6.1.170-1", Ubuntu's signature).
    public var distroKernelVersion: String?
    public var osRelease: OSRelease?
    /// Effective capability bits of the prober, as hex.
    public var effectiveCapabilities: String?
    public var hasModuleSupport: Bool?
    public var modules: [Module]
    // Added with the facts issue; optional so that older reports still decode.
    public var moduleDatabase: ModuleDatabase?
    public var interfaces: [Interface]?
    /// Where distroKernelVersion came from.
    public var distroKernelVersionSource: DistroKernelVersionSource?

    public enum DistroKernelVersionSource: String, Codable, CaseIterable, Sendable {
        /// Ubuntu's signature file.
        case versionSignature = "/proc/version_signature"
        /// The distro's version inside the kernel's version string ("Debian 6.1.170-1").
        case unameVersion = "uname -v"
    }

    public init(distroKernelVersion: String? = nil, osRelease: OSRelease? = nil, effectiveCapabilities: String? = nil,
                hasModuleSupport: Bool? = nil, modules: [Module] = [], moduleDatabase: ModuleDatabase? = nil,
                interfaces: [Interface]? = nil, distroKernelVersionSource: DistroKernelVersionSource? = nil) {
        self.moduleDatabase = moduleDatabase
        self.interfaces = interfaces
        self.distroKernelVersionSource = distroKernelVersionSource
        self.distroKernelVersion = distroKernelVersion
        self.osRelease = osRelease
        self.effectiveCapabilities = effectiveCapabilities
        self.hasModuleSupport = hasModuleSupport
        self.modules = modules
    }
}
