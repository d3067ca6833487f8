import Capabilities
import JSONText

/// matrix/observations/<release>.json: what one real kernel said, with the identity of the kernel.
public struct Observation: Codable, Equatable, Sendable {
    public struct Kernel: Codable, Equatable, Sendable {
        public var release: String
        public var version: String
        /// The distro package the kernel came from; nil for a kernel that is not a package.
        public var package: String?
        /// The distro's version of the package ("6.1.170-1"): the real X.Y.Z of a Debian "6.1.0-56" kernel.
        public var packageVersion: String?
    }

    public var kernel: Kernel
    public var report: Report

    /// The version inference should use: the package's, else the distro's, else the release's numbers.
    public var kernelVersion: KernelVersion? {
        kernel.packageVersion.flatMap(KernelVersion.init(parsing:))
            ?? report.facts?.distroKernelVersion.flatMap(KernelVersion.init(parsing:))
            ?? KernelVersion(parsing: kernel.release)
    }

    /// Decodes an observation file; the report inside is read as every report is (ReportReader first).
    public static func decode(_ bytes: [UInt8]) throws -> Observation {
        try bytes.withUnsafeBytes { whole in
            guard let range = try reportRange(whole) else { throw ReportError.malformed("observation: no report") }
            do { try ReportReader.check(UnsafeRawBufferPointer(rebasing: whole[range])) } catch {
                throw ReportError.malformed("observation: report: \(error)")
            }
        }
        return try JSONCoding.decoder.decode(Observation.self, from: JSONCoding.data(bytes))
    }

    /// Where the top-level `report` member's value lies (the whole document's syntax checked on the way).
    static func reportRange(_ bytes: UnsafeRawBufferPointer) throws -> Range<Int>? {
        var scanner = JSONScanner(bytes)
        var range: Range<Int>?
        try scanner.object { scanner, key in
            _ = scanner.peek()
            let start = scanner.at
            try scanner.skipValue()
            if scanner.equals(key, "report") { range = start..<scanner.at }
        }
        try scanner.end()
        return range
    }
}
