/// The formats `matrix` and `audit` share.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, markdown, csv, json, html
}

/// A model `matrix` or `audit` prints: a sheet for the drawn formats, its own CSV, and itself as JSON.
public protocol RenderableModel: Encodable {
    func sheet(catalogue: Catalogue) -> Sheet
    var csv: String { get }
}

extension RenderableModel {
    public func render(_ format: OutputFormat, catalogue: Catalogue, colour: Bool = false) throws -> String {
        switch format {
        case .table: return TableRenderer.render(sheet(catalogue: catalogue), colour: colour)
        case .markdown: return MarkdownRenderer.render(sheet(catalogue: catalogue))
        case .html: return HTMLRenderer.render(sheet(catalogue: catalogue))
        case .csv: return csv
        case .json: return try JSONCoding.encode(self)
        }
    }
}

extension CompatibilityMatrix: RenderableModel {
    public var csv: String { CSVRenderer.render(self) }
}

extension FleetAudit: RenderableModel {
    public var csv: String { CSVRenderer.render(self) }
}
