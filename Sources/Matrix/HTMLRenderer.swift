/// One self-contained page (inline CSS, no scripts, no external resources): a heat-map grid whose cells
/// show their evidence on hover (title attributes). Written as well-formed XHTML so any XML or HTML
/// parser reads it.
public enum HTMLRenderer {
    public static func render(_ sheet: Sheet) -> String {
        var out = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>\(escape(sheet.title))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse}
            th,td{border:1px solid #fff;padding:.35em .6em;text-align:center;white-space:nowrap}
            th{background:#eee;font-weight:600}
            th.cap{writing-mode:vertical-rl;transform:rotate(180deg);text-align:left}
            td.good{background:#2e9e4f;color:#fff}td.bad{background:#c9383a;color:#fff}
            td.mixed{background:#e6a23c;color:#222}td.unknown{background:#bbb;color:#222}
            td.plain{background:#f7f7f7;text-align:left}
            td[style]{color:#fff}td.faint{opacity:.55}td.marked{outline:3px solid #222;outline-offset:-3px;font-weight:700}
            td[title]:hover{filter:brightness(1.15);cursor:help}
            </style>
            </head>
            <body>
            <h1>\(escape(sheet.title))</h1>

            """
        out += sheet.summary.map { "<p>\(escape($0))</p>\n" }.joined()
        out += "<table>\n<thead><tr>"
        for column in sheet.columns {
            let cap = column.short != nil ? " class=\"cap\"" : ""
            out += "<th\(cap) title=\"\(escape(column.detail))\">\(escape(column.name))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in sheet.rows {
            out += "<tr>"
            for cell in row {
                var classes = [cell.tone.rawValue]
                if cell.faint { classes.append("faint") }
                if cell.marked { classes.append("marked") }
                let title = cell.detail.isEmpty ? "" : " title=\"\(escape(cell.detail))\""
                // A share shades from red (0%) through amber to green (100%): hue 0…120.
                let style = cell.level.map { " style=\"background:hsl(\(min(max($0, 0), 100) * 6 / 5),60%,42%)\"" } ?? ""
                out += "<td class=\"\(classes.joined(separator: " "))\"\(style)\(title)>\(escape(cell.text))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        out += "<ul>" + sheet.legend.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        for section in sheet.sections {
            out += "<h2>\(escape(section.title))</h2>\n<ul>\n" + section.lines.map { "<li>\(escape($0))</li>\n" }.joined()
                + "</ul>\n"
        }
        return out + "</body>\n</html>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
