/// GitHub-flavoured markdown: one table, then the notes as lists. Disagreements are bold.
public enum MarkdownRenderer {
    public static func render(_ sheet: Sheet) -> String {
        var out = "# \(sheet.title)\n\n" + sheet.summary.map { "\(escape($0))\n" }.joined(separator: "\n") + "\n"
        out += "| " + sheet.columns.map { "`\($0.name)`" }.joined(separator: " | ") + " |\n"
        out += "|" + sheet.columns.map { _ in "---|" }.joined() + "\n"
        for row in sheet.rows {
            out += "| " + row.map { $0.marked ? "**\(escape($0.text))**" : escape($0.text) }.joined(separator: " | ") + " |\n"
        }
        out += "\n" + sheet.legend.map { "- \(escape($0))\n" }.joined()
        for section in sheet.sections {
            out += "\n## \(escape(section.title))\n\n" + section.lines.map { "- \(escape($0))\n" }.joined()
        }
        return out
    }

    /// Pipes would split cells; the other markdown specials are harmless in this text.
    static func escape(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
    }
}

extension String {
    /// Foundation-free replacement (Matrix avoids Foundation outside JSON coding).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
