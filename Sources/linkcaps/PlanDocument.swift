#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Policy

/// `linkcaps plan --json`: the plan with its format version (schemas/plan.schema.json). Bump
/// `schemaVersion` when a field changes meaning or a reader could no longer execute the plan.
struct PlanDocument: Encodable {
    static let schemaVersion = 1

    let plan: Plan

    enum Key: String, CodingKey { case schemaVersion }

    func encode(to encoder: Encoder) throws {
        try plan.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
    }

    /// Pretty-printed with sorted keys, as every JSON document linkcaps prints.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
