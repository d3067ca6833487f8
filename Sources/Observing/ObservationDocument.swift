import JSONText

/// matrix/observations/<release>.json as scripts/observe writes it: {"kernel", "report", "witness",
/// "footprint"}, the report kept as the probe wrote it (members in its order, numbers as written).
public struct ObservationDocument: Sendable {
    public struct Kernel: Sendable {
        public var release: String
        public var version: String
        /// nil for a kernel that is not a distro package (this host's).
        public var package: String?
        public var packageVersion: String?
        /// Where the kernel came from: "debian" for a package, "host" for this machine.
        public var source: String

        public init(release: String, version: String, package: String?, packageVersion: String?, source: String) {
            self.release = release
            self.version = version
            self.package = package
            self.packageVersion = packageVersion
            self.source = source
        }

        var json: JSON {
            .object([("release", .string(release)), ("version", .string(version)),
                     ("package", package.map(JSON.string) ?? .null),
                     ("packageVersion", packageVersion.map(JSON.string) ?? .null), ("source", .string(source))])
        }
    }

    public var kernel: Kernel
    public var report: JSON
    public var witness: JSON?
    public var footprint: JSON?

    public init(kernel: Kernel, report: JSON, witness: JSON? = nil, footprint: JSON? = nil) {
        self.kernel = kernel
        self.report = report
        self.witness = witness
        self.footprint = footprint
    }

    public var json: JSON {
        var pairs: [(String, JSON)] = [("kernel", kernel.json), ("report", report)]
        if let witness { pairs.append(("witness", witness)) }
        if let footprint { pairs.append(("footprint", footprint)) }
        return .object(pairs)
    }

    /// The kernel's version string (uname -v) as the report holds it; reports of older binaries kept it
    /// under other names.
    public static func kernelVersion(in report: JSON) -> String? {
        [report["kernel"]?["version"], report["kernelVersion"], report["uname"]?["version"],
         report["system"]?["kernel"]?["version"]].lazy.compactMap { $0?.string }.first
    }
}
