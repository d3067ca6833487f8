import Foundation
import Capabilities
import Matrix
import Testing
import TestSupport

/// What a fleet sends when things go wrong, as the audit sees it: each case is counted as malformed and
/// named, or read safely. Whether bytes are a report at all is ReportReader's decision, held against
/// JSONDecoder in Tests/CapabilitiesTests; here, what the audit makes of it.
struct AdversarialReportTests {
    /// This machine's real report, and its kernel release.
    static let release = Support.hostObservation.release
    static let real: String = {
        let bytes = try! Support.bytes(Support.hostObservation.path)
        let observation = try! Observation.decode(bytes)
        return try! observation.report.jsonString(pretty: false)
    }()

    static let catalogue = try! Catalogue.decode(Support.bytes("matrix/catalogue.json"))

    func audit(_ lines: [String]) -> FleetAudit {
        var auditor = FleetAuditor(catalogue: Self.catalogue)
        for (number, line) in lines.enumerated() {
            Array(line.utf8).withUnsafeBytes { auditor.add($0, source: { "line \(number + 1)" }) }
        }
        return auditor.result()
    }

    func reason(_ text: String) -> String? { audit([text]).malformed.first?.reason }

    @Test func realReportMatchesFullDecode() throws {
        let lean = try Array(Self.real.utf8).withUnsafeBytes { try ReportReader.lean($0) }
        let full = try Report.decode(Data(Self.real.utf8))
        #expect(lean.release == full.kernel.release)
        #expect(lean.bootID == full.bootId)
        #expect(lean.states == CapabilityID.allCases.map { full.state($0) })
        #expect(lean.unknownCapabilities == [])
    }

    @Test func malformedReportsAreCountedAndNamed() {
        let audit = audit([Self.real, String(Self.real.dropLast(5)), "not json",
                           Self.real.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":2")])
        #expect(audit.reports == 4)
        #expect(audit.hosts == 1)
        #expect(audit.malformedCount == 3)
        #expect(audit.malformed.map(\.source) == ["line 2", "line 3", "line 4"])
        #expect(audit.malformed.last?.reason == "schema version 2 is not supported (this tool reads 1)")
    }

    @Test func hugeStrings() {
        let huge = String(repeating: "x", count: 300)
        #expect(reason(Self.real.replacingOccurrences(of: Self.release, with: huge)) == "kernel.release: longer than 256 bytes")
        // Huge strings the audit does not keep are only checked and skipped.
        let summary = String(repeating: "y", count: 500_000)
        #expect(reason(Self.real.replacingOccurrences(of: "renamed while UP", with: summary)) == nil)
    }

    /// A capability result with every member the format requires.
    static let unsupported = #"{"evidence":{"durationMs":0},"metadata":{},"state":"unsupported","summary":""}"#

    /// Found by the report fuzz target: JSONDecoder keeps the first of two equal members and the audit's reader
    /// kept the last, so one report said "unsupported" to `linkcaps plan --report` and "supported" to the
    /// audit. A member given twice is malformed for the audit and for Report.decode alike.
    @Test func aMemberGivenTwiceIsMalformed() throws {
        // Given once, the result below is read (so the cases with it twice fail for that alone).
        #expect(reason(Self.real.replacingOccurrences(of: "\"capabilities\":{",
                                                        with: "\"capabilities\":{\"move.fromTheFuture\":\(Self.unsupported),")) == nil)
        let states = Self.real.replacingOccurrences(of: "\"state\":\"supported\"",
                                                    with: "\"state\":\"unsupported\",\"state\":\"supported\"")
        let real = try Report.decode(Data(Self.real.utf8))
        let firstKept = try JSONDecoder().decode(Report.self, from: Data(states.utf8))
        #expect(!real.capabilities.filter { $0.value.state == .supported }.isEmpty)
        for (id, result) in real.capabilities where result.state == .supported {
            #expect(firstKept.capabilities[id]?.state == .unsupported, "JSONDecoder keeps the first of two members")
        }
        #expect(throws: (any Error).self) { try Report.decode(Data(states.utf8)) }
        #expect(reason(states).map { $0.hasSuffix("duplicate key state") } == true, "\(reason(states) ?? "accepted")")
        for (label, text, key) in [
            ("capability", Self.real.replacingOccurrences(of: "\"capabilities\":{",
                                                         with: "\"capabilities\":{\"move.newIfindex\":\(Self.unsupported),"),
             "move.newIfindex"),
            ("capability, escaped", Self.real.replacingOccurrences(
                of: "\"capabilities\":{", with: "\"capabilities\":{\"move\\u002enewIfindex\":\(Self.unsupported),"),
             "move.newIfindex"),
            ("schemaVersion", Self.real.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":1,\"schemaVersion\":1"),
             "schemaVersion"),
            ("kernel.release", Self.real.replacingOccurrences(of: "\"release\":", with: "\"release\":\"other\",\"release\":"),
             "release"),
        ] {
            #expect(text != Self.real, "\(label)")
            #expect(reason(text).map { $0.hasSuffix("duplicate key \(key)") } == true, "\(label): \(reason(text) ?? "accepted")")
            #expect(throws: (any Error).self, "\(label)") { try Report.decode(Data(text.utf8)) }
        }
    }

    @Test func unknownCapabilityIdIsKeptAndCounted() throws {
        let text = Self.real.replacingOccurrences(of: "\"move.newIfindex\"", with: "\"move.fromTheFuture\"")
        let audit = audit([text])
        #expect(audit.unknownCapabilities == ["move.fromTheFuture": 1])
        #expect(audit.groups.first?.capabilities["move.newIfindex"]?.missing == 1)
    }

    /// Kept strings are read exactly as JSONDecoder reads them; what is shown to people (group keys,
    /// examples) has its control characters replaced, since it ends up in terminals and XHTML.
    @Test func controlCharactersAreShownReplaced() throws {
        let text = Self.real.replacingOccurrences(of: "\"release\":\"\(Self.release)\"", with: #""release":"6.1.0-\u001b[31mred""#)
        #expect(text != Self.real)
        let lean = try Array(text.utf8).withUnsafeBytes { try ReportReader.lean($0) }
        #expect(lean.release == "6.1.0-\u{1b}[31mred")
        #expect(audit([text]).groups.map(\.release) == ["6.1.0-\u{FFFD}[31mred"])
    }

    @Test func lineReaderSplitsAcrossTinyReadsAndCapsLines() {
        let input = Array(("a\n\nbb\r\n" + String(repeating: "z", count: 5000) + "\nlast").utf8)
        var offset = 0
        var seen: [String] = []
        LineReader(maxLineBytes: 1024).run(read: { buffer in
            let n = min(3, input.count - offset, buffer.count)
            for i in 0..<n { buffer[i] = input[offset + i] }
            offset += n
            return n
        }, line: { line in
            switch line {
            case .text(let bytes, let number): seen.append("\(number):\(String(decoding: bytes, as: UTF8.self))")
            case .overlong(let number): seen.append("\(number):overlong")
            }
        })
        #expect(seen == ["1:a", "3:bb", "4:overlong", "5:last"])
    }
}
