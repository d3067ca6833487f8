import Capabilities
import SystemCalls

/// What a cached report is valid for. Boot id and kernel release pin it to this boot of this kernel; the
/// probe set (tool version + capability ids) and schema to this tool; privilege to what the probe could see.
public struct CacheKey: Codable, Equatable, Sendable {
    public var bootId: String
    public var kernelRelease: String
    public var schemaVersion: Int
    public var probeSet: String
    public var privileged: Bool

    public init(bootId: String, kernelRelease: String, privileged: Bool,
                schemaVersion: Int = Report.currentSchemaVersion, probeSet: String = CacheKey.currentProbeSet) {
        self.bootId = bootId
        self.kernelRelease = kernelRelease
        self.schemaVersion = schemaVersion
        self.probeSet = probeSet
        self.privileged = privileged
    }

    public static let currentProbeSet: String = {
        var text = "linkcaps-" + ToolVersion.current + ":"
        for (index, id) in CapabilityID.allCases.enumerated() { text += (index == 0 ? "" : ",") + id.rawValue }
        return text
    }()

    /// This boot, this kernel, this privilege. Read once per process: none of it changes while we run
    /// (privilege aside, which a process does not regain).
    public static var current: CacheKey { currentKey }

    /// report-<16 hex digits>.json: a hash of the whole key, so a different key never reads this file.
    /// The file repeats the key inside, and that copy is what is checked.
    public var fileStem: String {
        "report-" + FNV1a.hex("\(bootId)|\(kernelRelease)|\(schemaVersion)|\(probeSet)|\(privileged ? "priv" : "unpriv")")
    }
}

private let currentKey: CacheKey = {
    let identity = SystemIdentity.current()
    return CacheKey(bootId: identity.bootID, kernelRelease: identity.release, privileged: Privilege.isPrivileged)
}()
