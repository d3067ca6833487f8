/// The formats `matrix` and `audit` share.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, markdown, csv, json, html
}

extension CompatibilityMatrix {
    public func render(_ format: OutputFormat, catalogue: Catalogue, colour: Bool = false) throws -> String {
        switch format {
        case .table: return TableRenderer.render(sheet(catalogue: catalogue), colour: colour)
        case .markdown: return MarkdownRenderer.render(sheet(catalogue: catalogue))
        case .html: return HTMLRenderer.render(sheet(catalogue: catalogue))
        case .csv: return CSVRenderer.render(self)
        case .json: return try JSONCoding.encode(self)
        }
    }
}

extension FleetAudit {
    public func render(_ format: OutputFormat, catalogue: Catalogue, colour: Bool = false) throws -> String {
        switch format {
        case .table: return TableRenderer.render(sheet(catalogue: catalogue), colour: colour)
        case .markdown: return MarkdownRenderer.render(sheet(catalogue: catalogue))
        case .html: return HTMLRenderer.render(sheet(catalogue: catalogue))
        case .csv: return CSVRenderer.render(self)
        case .json: return try JSONCoding.encode(self)
        }
    }
}
