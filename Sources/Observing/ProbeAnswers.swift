import JSONText

/// A report's answers as the comparison needs them: each capability's state, in the report's order. Read
/// from the report's JSON tree, not its Codable types, so that a report of an older or newer binary (other
/// capabilities, other members) is compared for what it holds.
public struct ProbeAnswers: Equatable, Sendable {
    public private(set) var order: [String] = []
    public private(set) var states: [String: String] = [:]

    public init(report: JSON) {
        guard case .object(let pairs)? = report["capabilities"] else { return }
        for (id, answer) in pairs where states[id] == nil {
            order.append(id)
            // No state (or null, or false) is no answer; another value that is not a string is shown as written.
            states[id] = answer["state"].flatMap { $0 == .null || $0 == .bool(false) ? nil : ($0.string ?? $0.text) }
        }
    }

    public func has(_ id: String) -> Bool { order.contains(id) }
}
