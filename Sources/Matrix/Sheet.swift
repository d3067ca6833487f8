/// What the table, markdown and HTML renderers draw: a titled grid of short cells, each with a tone
/// (its colour) and a detail (the evidence shown on hover or in a legend), plus notes below.
/// Built from a CompatibilityMatrix or a FleetAudit by their `sheet` properties; renderers only lay it out.
public struct Sheet: Equatable, Sendable {
    public enum Tone: String, Sendable {
        case good, bad, mixed, unknown, plain
    }

    public struct Cell: Equatable, Sendable {
        public var text: String
        public var tone: Tone
        public var detail: String
        /// Marked cells (a disagreement) get an emphasis in every format.
        public var marked: Bool
        /// Faint cells are inferred, not observed.
        public var faint: Bool
        /// 0…100 where the cell is a share (of hosts supporting it): the HTML heat map shades by it.
        public var level: Int?

        public init(_ text: String, _ tone: Tone = .plain, detail: String = "", marked: Bool = false,
                    faint: Bool = false, level: Int? = nil) {
            self.text = text
            self.tone = tone
            self.detail = detail
            self.marked = marked
            self.faint = faint
            self.level = level
        }
    }

    public struct Column: Equatable, Sendable {
        public var name: String
        /// Shown on hover in HTML and in the legend of the terminal table.
        public var detail: String
        /// Terminal tables number capability columns instead of printing long ids.
        public var short: String?
    }

    public struct Section: Equatable, Sendable {
        public var title: String
        public var lines: [String]
    }

    public var title: String
    public var summary: [String]
    public var columns: [Column]
    public var rows: [[Cell]]
    public var sections: [Section]
    /// What the tones and marks mean, for the legend.
    public var legend: [String]
}
