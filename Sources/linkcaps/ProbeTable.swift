import Capabilities
import Probe

/// The probe's report as a terminal table: state, what it means, and the evidence in one line.
enum ProbeTable {
    static func render(_ report: Report) -> String {
        var out = "linkcaps \(report.tool.version) — kernel \(report.kernel.release)\n"
        if report.source == .cache { out += "source: cache — answered from the probe of \(report.probe.startedAt)\n" }
        out += "probe \(report.probe.id) (\(report.source.rawValue)), \(format(report.probe.durationMs)) ms, "
        out += "throwaway link: \(report.probe.linkKind ?? "none")"
        let notes = report.probe.linkKindNotes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        if !notes.isEmpty { out += " (\(notes.joined(separator: "; ")))" }
        out += "\n\n"
        let rows = CapabilityID.allCases.compactMap { id in report[id].map { (id, $0) } }
        let width = rows.map(\.0.rawValue.count).max() ?? 0
        for (id, result) in rows {
            let state = result.state.rawValue.uppercased()
            out += pad(id.rawValue, width) + "  " + pad(state, 12) + "  " + Prober.meaning(of: id) + "\n"
            out += String(repeating: " ", count: width + 16) + "↳ " + result.summary
            if let release = result.metadata.firstRelease { out += " [\(release)]" }
            out += "\n"
        }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
