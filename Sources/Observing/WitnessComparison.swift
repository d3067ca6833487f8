import JSONText

/// The probe's answers against the witness's verdicts. Both must be conclusive (supported/unsupported) to
/// be compared; an id only one side has, or that one side could not settle, is "not compared" with the
/// reason, so that nothing is counted as agreement by default.
public struct WitnessComparison: Equatable, Sendable {
    public var compared: [String] = []
    public var disagreements: [String] = []
    public var notCompared: [(id: String, why: String)] = []
    public var agrees: Bool { disagreements.isEmpty }

    public static func == (a: Self, b: Self) -> Bool {
        a.compared == b.compared && a.disagreements == b.disagreements
            && a.notCompared.map(\.id) == b.notCompared.map(\.id) && a.notCompared.map(\.why) == b.notCompared.map(\.why)
    }

    public init(compared: [String] = [], disagreements: [String] = [], notCompared: [(id: String, why: String)] = []) {
        self.compared = compared
        self.disagreements = disagreements
        self.notCompared = notCompared
    }

    /// In the witness's order, then the ids only the probe reported, in the report's order.
    public init(probe: ProbeAnswers, witness: WitnessVerdicts) {
        func conclusive(_ state: String) -> Bool { state == "supported" || state == "unsupported" }
        for id in witness.order + probe.order.filter({ witness.verdicts[$0] == nil }) {
            guard probe.has(id), let probeState = probe.states[id] ?? nil else {
                notCompared.append((id, "not reported by the probe (a binary without this question)"))
                continue
            }
            guard let verdict = witness.verdicts[id] else {
                notCompared.append((id, "the witness has no case for it"))
                continue
            }
            if !conclusive(verdict.state) {
                notCompared.append((id, "witness: \(verdict.state): \(verdict.detail)"))
            } else if !conclusive(probeState) {
                notCompared.append((id, "probe: \(probeState)"))
            } else {
                compared.append(id)
                if probeState != verdict.state { disagreements.append(id) }
            }
        }
    }

    /// {"agrees", "disagreements", "compared", "notCompared": {id: why}}
    public var json: JSON {
        .object([("agrees", .bool(agrees)), ("disagreements", .array(disagreements.map(JSON.string))),
                 ("compared", .array(compared.map(JSON.string))),
                 ("notCompared", .object(notCompared.map { ($0.id, .string($0.why)) }))])
    }

    public init(json: JSON) throws(ObservingError) {
        func ids(_ key: String) throws(ObservingError) -> [String] {
            guard let items = json[key]?.array else { throw ObservingError("the comparison has no \(key) list") }
            return items.compactMap(\.string)
        }
        compared = try ids("compared")
        disagreements = try ids("disagreements")
        guard case .object(let pairs)? = json["notCompared"] else { throw ObservingError("the comparison has no notCompared object") }
        notCompared = pairs.map { ($0.0, $0.1.string ?? $0.1.text) }
    }

    /// The observation's "witness" member (matrix/SCHEMA.md): {"tool", "verdicts", "agrees", "disagreements"}.
    public func record(of witness: WitnessVerdicts) -> JSON {
        .object([("tool", witness.tool.map(JSON.string) ?? .null), ("verdicts", witness.verdictsJSON),
                 ("agrees", .bool(agrees)), ("disagreements", .array(disagreements.map(JSON.string)))])
    }

    /// A line per disagreement ("DISAGREE id: probe X, witness Y (detail)"), then per id not compared.
    public func lines(probe: ProbeAnswers, witness: WitnessVerdicts) -> [String] {
        disagreements.map { id in
            let verdict = witness.verdicts[id]
            return "DISAGREE \(id): probe \((probe.states[id] ?? nil) ?? "null"), witness \(verdict?.state ?? "null") (\(verdict?.detail ?? "null"))"
        } + notCompared.map { "not compared \($0.id): \($0.why)" }
    }

    /// "agrees on N of M compared"
    public var summary: String { "agrees on \(compared.count - disagreements.count) of \(compared.count) compared" }

    /// Why a report and its comparison fall short of answering every capability of the catalogue alike
    /// (scripts/observe --host): one reason a line, none when every id was reported and compared alike.
    public func shortfalls(probe: ProbeAnswers, catalogue ids: [String]) -> [String] {
        ids.filter { !probe.has($0) }.map { "\($0): not in the report" }
            + notCompared.map { "\($0.id): not compared (\($0.why))" }
            + disagreements.map { "\($0): probe and witness disagree" }
            + probe.order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.filter { !ids.contains($0) }
                .map { "\($0): not in the catalogue" }
    }
}
