import Capabilities

/// matrix/catalogue.json: what is known upstream about each capability (see matrix/SCHEMA.md).
public struct Catalogue: Codable, Equatable, Sendable {
    public struct Commit: Codable, Equatable, Sendable {
        public var id: String
        public var note: String
    }

    public struct Backport: Codable, Equatable, Sendable {
        /// "6.1.y" or "unknown".
        public var branch: String
        /// "6.1.60" or "unknown".
        public var since: String
        public var evidence: String

        /// Whether this backport is known to be in the given kernel (branch and patch level both known).
        public func covers(_ version: KernelVersion) -> Bool {
            guard let first = KernelVersion(parsing: since), branch == "\(first.major).\(first.minor).y" else {
                return false
            }
            return version.major == first.major && version.minor == first.minor && version.patch >= first.patch
        }
    }

    public struct Entry: Codable, Equatable, Sendable {
        public var id: String
        public var title: String
        public var meaning: String
        public var commits: [Commit]
        public var firstRelease: String
        public var firstReleaseInferred: Bool?
        public var firstReleaseBasis: String
        public var backports: [Backport]
        /// Kernels at or past the first release known to lack the capability (same shape as a backport);
        /// optional, absent when none is known.
        public var regressions: [Backport]?
        public var sources: [String]

        public var capability: CapabilityID? { CapabilityID(rawValue: id) }
        public var release: FirstRelease? { FirstRelease(parsing: firstRelease) }
    }

    public var schemaVersion: Int
    public var oldestExamined: String
    public var sourcesKey: [String: String]
    public var capabilities: [Entry]

    public static func decode(_ bytes: [UInt8]) throws -> Catalogue {
        try JSONCoding.decoder.decode(Catalogue.self, from: JSONCoding.data(bytes))
    }

    public func entry(_ id: CapabilityID) -> Entry? { capabilities.first { $0.id == id.rawValue } }

    /// What the catalogue says a kernel of this version does, from mainline releases only (see SCHEMA.md).
    public func inference(_ id: CapabilityID, for version: KernelVersion?) -> Inference {
        guard let entry = entry(id), let release = entry.release, let version else { return .unknown }
        switch release {
        case .unknown: return .unknown
        case .none: return .unsupported
        case .always:
            guard let oldest = KernelVersion(parsing: oldestExamined) else { return .unknown }
            return version >= oldest ? .supported : .unknown
        case .mainline(let first):
            return (version.major, version.minor) >= (first.major, first.minor) ? .supported : .unsupported
        }
    }

    /// The backport that explains a kernel having a capability its mainline release lacks, if one is known.
    public func knownBackport(_ id: CapabilityID, in version: KernelVersion?) -> Backport? {
        guard let version else { return nil }
        return entry(id)?.backports.first { $0.covers(version) }
    }

    /// The regression that explains a kernel lacking a capability its mainline release has, if one is known.
    public func knownRegression(_ id: CapabilityID, in version: KernelVersion?) -> Backport? {
        guard let version else { return nil }
        return entry(id)?.regressions?.first { $0.covers(version) }
    }
}

/// The catalogue's firstRelease field.
public enum FirstRelease: Equatable, Sendable {
    case always, none, unknown
    case mainline(KernelVersion)

    public init?(parsing text: String) {
        switch text {
        case "always": self = .always
        case "none": self = .none
        case "unknown": self = .unknown
        default:
            guard text.hasPrefix("v"), let version = KernelVersion(parsing: text),
                  "v\(version.major).\(version.minor)" == text else { return nil }
            self = .mainline(version)
        }
    }
}

/// What version inference says of one capability on one kernel.
public enum Inference: String, Codable, Sendable {
    case supported, unsupported, unknown
}
