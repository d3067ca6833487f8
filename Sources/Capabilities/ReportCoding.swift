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

    /// Decodes a report, refusing schema versions this tool does not understand.
    public static func decode(_ data: Data) throws -> Report {
        let report = try JSONDecoder().decode(Report.self, from: data)
        guard report.schemaVersion == currentSchemaVersion else {
            throw ReportError.unsupportedSchema(report.schemaVersion)
        }
        return report
    }
}

public enum ReportError: Error, CustomStringConvertible, Equatable {
    case unsupportedSchema(Int)

    public var description: String {
        switch self {
        case .unsupportedSchema(let version):
            return "report schema version \(version) is not supported (this tool reads \(Report.currentSchemaVersion))"
        }
    }
}
