import JSONText

/// What the iproute2 witness (scripts/witness/witness.sh) concluded: its tool line ("iproute2 6.1.0"), the
/// link kind it used, and one verdict per capability in the order it printed them (the order the
/// observation keeps).
public struct WitnessVerdicts: Equatable, Sendable {
    public struct Verdict: Equatable, Sendable {
        /// supported, unsupported, inconclusive or unwitnessed: kept as printed.
        public var state: String
        public var detail: String

        public init(state: String, detail: String) {
            self.state = state
            self.detail = detail
        }
    }

    public var tool: String?
    public var kind: String?
    public private(set) var order: [String] = []
    public private(set) var verdicts: [String: Verdict] = [:]

    public init() {}

    /// Reads the witness's lines: "WITNESS-TOOL <tool>", "WITNESS-KIND <kind>" and
    /// "WITNESS <id> <state> <detail>"; anything else (its progress, a shell's noise) is passed over. A second
    /// verdict on one id replaces the first in its place.
    public init<S: Sequence>(lines: S) where S.Element: StringProtocol {
        for line in lines {
            if line.hasPrefix("WITNESS-TOOL ") {
                tool = String(line.dropFirst("WITNESS-TOOL ".count))
            } else if line.hasPrefix("WITNESS-KIND ") {
                kind = String(line.dropFirst("WITNESS-KIND ".count))
            } else if let (id, verdict) = Self.verdict(line) {
                set(id, verdict)
            }
        }
    }

    public mutating func set(_ id: String, _ verdict: Verdict) {
        if verdicts.updateValue(verdict, forKey: id) == nil { order.append(id) }
    }

    /// "WITNESS <id> <state>[ <detail>]": an id without spaces, a state of lower-case letters.
    static func verdict<S: StringProtocol>(_ line: S) -> (String, Verdict)? {
        guard line.hasPrefix("WITNESS ") else { return nil }
        let rest = line.dropFirst("WITNESS ".count)
        guard let space = rest.firstIndex(of: " "), space > rest.startIndex else { return nil }
        let afterID = rest[rest.index(after: space)...]
        let state = afterID.prefix { ("a"..."z").contains($0) }
        guard !state.isEmpty else { return nil }
        var detail = afterID[state.endIndex...]
        guard detail.isEmpty || detail.first == " " else { return nil }
        if !detail.isEmpty { detail = detail.dropFirst() }
        return (String(rest[..<space]), Verdict(state: String(state), detail: String(detail)))
    }

    /// {"tool", "kind", "verdicts": {id: {state, detail}}}: what scripts/observe keeps beside a guest's log.
    public var json: JSON {
        .object([("tool", tool.map(JSON.string) ?? .null), ("kind", kind.map(JSON.string) ?? .null),
                 ("verdicts", verdictsJSON)])
    }

    var verdictsJSON: JSON {
        .object(order.map { id in (id, .object([("state", .string(verdicts[id]!.state)), ("detail", .string(verdicts[id]!.detail))])) })
    }

    public init(json: JSON) throws(ObservingError) {
        guard json.isObject else { throw ObservingError("the witness's verdicts are not a JSON object") }
        tool = json["tool"]?.string
        kind = json["kind"]?.string
        guard case .object(let pairs)? = json["verdicts"] else { return }
        for (id, value) in pairs {
            guard let state = value["state"]?.string else { throw ObservingError("witness verdict \(id) has no state") }
            set(id, Verdict(state: state, detail: value["detail"]?.string ?? ""))
        }
    }
}

/// Why an observation's inputs cannot be used: the text names the file or the member.
public struct ObservingError: Error, Equatable, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
