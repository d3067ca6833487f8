/// A terminal table: capability columns are numbered (the legend names them), ANSI colour only when the
/// caller says the output is a terminal.
public enum TableRenderer {
    public static func render(_ sheet: Sheet, colour: Bool) -> String {
        let headers = sheet.columns.map { $0.short ?? $0.name }
        var widths = headers.map(\.count)
        for row in sheet.rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.text.count) }
        }
        var out = sheet.title + "\n" + sheet.summary.map { $0 + "\n" }.joined() + "\n"
        out += line(headers.map { Sheet.Cell($0) }, widths, colour: false, bold: colour)
        out += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in sheet.rows { out += line(row, widths, colour: colour, bold: false) }
        let numbered = sheet.columns.filter { $0.short != nil }
        if !numbered.isEmpty {
            out += "\n" + numbered.map { "\($0.short!.leftPadded(2)). \($0.name)\n" }.joined()
        }
        out += "\n" + sheet.legend.joined(separator: " · ") + "\n"
        for section in sheet.sections {
            out += "\n" + section.title + ":\n" + section.lines.map { "  \($0)\n" }.joined()
        }
        return out
    }

    static func line(_ cells: [Sheet.Cell], _ widths: [Int], colour: Bool, bold: Bool) -> String {
        var parts: [String] = []
        for (i, cell) in cells.enumerated() {
            let padded = cell.text + String(repeating: " ", count: max(0, widths[i] - cell.text.count))
            parts.append(colour ? paint(padded, cell) : bold ? "\u{1B}[1m\(padded)\u{1B}[0m" : padded)
        }
        var text = parts.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text + "\n"
    }

    static func paint(_ text: String, _ cell: Sheet.Cell) -> String {
        let code: String
        switch cell.tone {
        case .good: code = "32"
        case .bad: code = "31"
        case .mixed: code = "33"
        case .unknown: code = "90"
        case .plain: return text
        }
        return "\u{1B}[\(cell.marked ? "1;" : "")\(code)m\(text)\u{1B}[0m"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
