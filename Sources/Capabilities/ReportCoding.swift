#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Report {
    /// The report as JSON: keys sorted so that two reports diff cleanly.
    public func jsonData(pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public func jsonString(pretty: Bool = true) throws -> String {
        String(decoding: try jsonData(pretty: pretty), as: UTF8.self)
    }

    /// Decodes a report: ReportReader decides whether the bytes are one (the same decision the lean reads
    /// make), then JSONDecoder builds the values.
    public static func decode(_ data: Data) throws(ReportError) -> Report {
        // withUnsafeBytes rethrows untyped; ReportReader.check throws only ReportError.
        do { try data.withUnsafeBytes { try ReportReader.check($0) } } catch let error as ReportError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
        do {
            return try JSONDecoder().decode(Report.self, from: data)
        } catch {
            // ReportReader accepts only what Report's Codable types take (a test holds the two together), so
            // this is a disagreement between them, reported as such rather than as the input's fault.
            throw .malformed("accepted by ReportReader but not by JSONDecoder: \(error)")
        }
    }
}

/// Why bytes are not a report this tool reads: the one error of the report format, for every reader.
public enum ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    case unsupportedSchema(Int)
    /// Not JSON, or not of the report's shape; the text names the first problem and where.
    case malformed(String)

    public var description: String {
        switch self {
        case .unsupportedSchema(let version):
            return "schema version \(version) is not supported (this tool reads \(Report.currentSchemaVersion))"
        case .malformed(let reason):
            return reason
        }
    }
}
