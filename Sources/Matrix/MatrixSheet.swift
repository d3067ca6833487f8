import Capabilities

extension CompatibilityMatrix {
    /// Cells read "yes"/"no" when observed and "(yes)"/"(no)" when only inferred; "!" marks a disagreement.
    public func sheet(catalogue: Catalogue) -> Sheet {
        var columns = [Sheet.Column(name: "kernel", detail: "uname -r of the observed kernel", short: nil),
                       Sheet.Column(name: "version", detail: "X.Y.Z used for inference", short: nil)]
        for (i, id) in capabilities.enumerated() {
            let entry = CapabilityID(rawValue: id).flatMap(catalogue.entry)
            let detail = [titles[i], entry?.meaning, entry.map { "first release: \($0.firstRelease)" }]
                .compactMap { $0 }.joined(separator: " — ")
            columns.append(.init(name: id, detail: detail, short: "\(i + 1)"))
        }
        columns.append(.init(name: "flag", detail: "observation and inference disagree", short: nil))
        let grid = rows.map { row -> [Sheet.Cell] in
            var cells = [Sheet.Cell(row.release, detail: "observed in \(row.source)" + (row.package.map { ", package \($0)" } ?? "")),
                         Sheet.Cell(row.version ?? "?")]
            cells += row.cells.map(Self.cell)
            cells.append(row.flagged ? Sheet.Cell("DISAGREES", .mixed, marked: true) : Sheet.Cell(""))
            return cells
        }
        let flagged = rows.filter(\.flagged).flatMap { row in
            row.cells.filter { $0.agreement.isDisagreement }.map { cell in
                "\(row.release): \(cell.capability) observed \(cell.observed?.rawValue ?? "-"), inferred \(cell.inferred.rawValue) → \(cell.agreement.rawValue)"
                    + (cell.knownBackport.map { " (known backport: \($0))" } ?? "")
            }
        }
        return Sheet(
            title: "linkcaps compatibility matrix",
            summary: ["\(rows.count) observed kernel(s) × \(capabilities.count) capabilities"],
            columns: columns, rows: grid,
            sections: [Sheet.Section(title: "Disagreements (backports, regressions)", lines: flagged.isEmpty ? ["none"] : flagged)],
            legend: ["yes/no: observed by the probe", "(yes)/(no): inferred from the catalogue's first release",
                     "?: neither", "!: observation and inference disagree"])
    }

    static func cell(_ cell: Cell) -> Sheet.Cell {
        let mark = cell.agreement.isDisagreement ? "!" : ""
        var detail = "inferred \(cell.inferred.rawValue)"
        if let observed = cell.observed {
            detail = "observed \(observed.rawValue): \(cell.summary ?? "") — " + detail
        }
        if cell.agreement.isDisagreement { detail += " — \(cell.agreement.rawValue)" }
        if let backport = cell.knownBackport { detail += " (known backport: \(backport))" }
        switch cell.observed {
        case .supported?: return Sheet.Cell("yes" + mark, .good, detail: detail, marked: !mark.isEmpty)
        case .unsupported?: return Sheet.Cell("no" + mark, .bad, detail: detail, marked: !mark.isEmpty)
        case .inconclusive?: return Sheet.Cell("incon.", .unknown, detail: detail)
        case .skipped?: return Sheet.Cell("skip", .unknown, detail: detail)
        case nil:
            switch cell.inferred {
            case .supported: return Sheet.Cell("(yes)", .good, detail: detail, faint: true)
            case .unsupported: return Sheet.Cell("(no)", .bad, detail: detail, faint: true)
            case .unknown: return Sheet.Cell("?", .unknown, detail: detail, faint: true)
            }
        }
    }
}
