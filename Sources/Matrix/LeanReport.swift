import Capabilities

/// The few fields of a report a fleet audit needs, read straight from the bytes: decoding a full Report
/// per host costs far more than the audit itself (evidence makes up most of each report).
public struct LeanReport: Equatable, Sendable {
    public var schemaVersion: Int = 0
    public var release: String = ""
    public var distroID: String?
    public var versionID: String?
    public var distroKernelVersion: String?
    public var bootID: String?
    /// Indexed like CapabilityID.allCases; nil when the report lacks the capability.
    public var states: [CapabilityState?] = Array(repeating: nil, count: CapabilityID.allCases.count)
    /// Capability ids this tool does not know (kept, as Report keeps them), cut to `maxKeptString`.
    public var unknownCapabilities: [String] = []

    public init() {}
}

/// Why a report could not be read; the text names the first problem found.
public struct MalformedReportError: Error, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A one-pass reader of a report's bytes: checks the JSON syntax of the whole document (so truncated input
/// is caught), decodes the fields of LeanReport and skips the rest without building anything.
public enum LeanReportParser {
    /// Longest string kept for a group key (uname's release fits in 64 bytes).
    public static let maxKeptString = 256
    static let maxDepth = 64
    static let ids: [[UInt8]] = CapabilityID.allCases.map { Array($0.rawValue.utf8) }
    static let stateNames: [(bytes: [UInt8], state: CapabilityState)] =
        CapabilityState.allCases.map { (Array($0.rawValue.utf8), $0) }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> LeanReport {
        var scanner = JSONScanner(bytes)
        var report = LeanReport()
        var sawSchema = false, sawRelease = false, sawCapabilities = false, sawKernel = false, sawBootID = false,
            sawFacts = false
        try scanner.object { scanner, key in
            switch key {
            case _ where scanner.equals(key, "schemaVersion"):
                try once(&sawSchema, "schemaVersion")
                report.schemaVersion = try scanner.integer()
            case _ where scanner.equals(key, "kernel"):
                try once(&sawKernel, "kernel")
                try scanner.object { scanner, key in
                    if scanner.equals(key, "release") {
                        try once(&sawRelease, "kernel.release")
                        report.release = try scanner.keptString("kernel.release")
                    } else { try scanner.skipValue() }
                }
            case _ where scanner.equals(key, "bootId"):
                try once(&sawBootID, "bootId")
                report.bootID = try scanner.keptString("bootId")
            case _ where scanner.equals(key, "capabilities"):
                try once(&sawCapabilities, "capabilities")
                try capabilities(&scanner, into: &report)
            case _ where scanner.equals(key, "facts"):
                try once(&sawFacts, "facts")
                try facts(&scanner, into: &report)
            default:
                try scanner.skipValue()
            }
        }
        try scanner.end()
        guard sawSchema else { throw MalformedReportError("no schemaVersion") }
        guard report.schemaVersion == Report.currentSchemaVersion else {
            throw MalformedReportError("schema version \(report.schemaVersion) is not supported (this tool reads \(Report.currentSchemaVersion))")
        }
        guard sawRelease else { throw MalformedReportError("no kernel.release") }
        guard sawCapabilities else { throw MalformedReportError("no capabilities") }
        return report
    }

    static func capabilities(_ scanner: inout JSONScanner, into report: inout LeanReport) throws {
        try scanner.object { scanner, key in
            let index = ids.firstIndex { scanner.equals(key, $0) }
            if let index, report.states[index] != nil {
                throw MalformedReportError("capability \(scanner.text(key, limit: 64)) appears twice")
            }
            var state: CapabilityState?
            try scanner.object { scanner, field in
                guard scanner.equals(field, "state") else { return try scanner.skipValue() }
                guard state == nil else { throw MalformedReportError("capability \(scanner.text(key, limit: 64)): state appears twice") }
                let value = try scanner.string()
                guard let known = stateNames.first(where: { scanner.equals(value, $0.bytes) }) else {
                    throw MalformedReportError("capability \(scanner.text(key, limit: 64)): unknown state \(scanner.text(value, limit: 32))")
                }
                state = known.state
            }
            guard let state else { throw MalformedReportError("capability \(scanner.text(key, limit: 64)) has no state") }
            if let index { report.states[index] = state } else {
                report.unknownCapabilities.append(scanner.text(key, limit: 64))
            }
        }
    }

    static func facts(_ scanner: inout JSONScanner, into report: inout LeanReport) throws {
        if scanner.null() { return }
        var sawVersion = false, sawOSRelease = false
        try scanner.object { scanner, key in
            if scanner.equals(key, "distroKernelVersion") {
                try once(&sawVersion, "facts.distroKernelVersion")
                report.distroKernelVersion = try scanner.optionalKeptString("facts.distroKernelVersion")
            } else if scanner.equals(key, "osRelease") {
                try once(&sawOSRelease, "facts.osRelease")
                if scanner.null() { return }
                var sawID = false, sawVersionID = false
                try scanner.object { scanner, key in
                    if scanner.equals(key, "id") {
                        try once(&sawID, "facts.osRelease.id")
                        report.distroID = try scanner.optionalKeptString("facts.osRelease.id")
                    } else if scanner.equals(key, "versionId") {
                        try once(&sawVersionID, "facts.osRelease.versionId")
                        report.versionID = try scanner.optionalKeptString("facts.osRelease.versionId")
                    } else { try scanner.skipValue() }
                }
            } else { try scanner.skipValue() }
        }
    }

    /// A key this reader uses may appear once: JSONDecoder (the CLI, `linkcaps plan --report`) keeps the first
    /// of two and this reader would keep the last, so the audit and the CLI would read one report two ways.
    static func once(_ seen: inout Bool, _ key: String) throws {
        guard !seen else { throw MalformedReportError("\(key) appears twice") }
        seen = true
    }
}
