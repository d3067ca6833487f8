import Capabilities
import Matrix
import XCTest

/// What a fleet sends when things go wrong: each case is counted as malformed and named, or read safely.
final class AdversarialReportTests: XCTestCase {
    static let real: String = {
        let bytes = try! Support.bytes("matrix/observations/6.18.44-fc-v657.json")
        let observation = try! Observation.decode(bytes)
        return try! observation.report.jsonString(pretty: false)
    }()

    func parse(_ text: String) -> Result<LeanReport, MalformedReportError> {
        Array(text.utf8).withUnsafeBytes { bytes in
            Result { try LeanReportParser.parse(bytes) }.mapError { $0 as! MalformedReportError }
        }
    }

    func reason(_ text: String) -> String? {
        if case .failure(let error) = parse(text) { return error.description }
        return nil
    }

    func testRealReportMatchesFullDecode() throws {
        let lean = try parse(Self.real).get()
        let full = try Report.decode(Data(Self.real.utf8))
        XCTAssertEqual(lean.release, full.kernel.release)
        XCTAssertEqual(lean.bootID, full.bootId)
        XCTAssertEqual(lean.states, CapabilityID.allCases.map { full.state($0) })
        XCTAssertEqual(lean.unknownCapabilities, [])
    }

    func testTruncatedAtEveryTenthByteIsMalformed() {
        let bytes = Array(Self.real.utf8)
        for cut in stride(from: 0, to: bytes.count - 1, by: 10) {
            let text = String(decoding: bytes[..<cut], as: UTF8.self)
            XCTAssertNotNil(reason(text), "accepted a report cut at byte \(cut)")
        }
    }

    func testWrongSchemaVersion() {
        XCTAssertEqual(reason(Self.real.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":2")),
                       "schema version 2 is not supported (this tool reads 1)")
        XCTAssertNotNil(reason(Self.real.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":\"1\"")))
        XCTAssertNotNil(reason(Self.real.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":1.5")))
        XCTAssertEqual(reason(Self.real.replacingOccurrences(of: "\"schemaVersion\":1,", with: "")), "no schemaVersion")
    }

    func testHugeStrings() {
        let huge = String(repeating: "x", count: 300)
        XCTAssertEqual(reason(Self.real.replacingOccurrences(of: "6.18.44-fc-v657", with: huge)),
                       "kernel.release longer than 256 bytes")
        // Huge strings the audit does not keep are only skipped.
        let summary = String(repeating: "y", count: 500_000)
        XCTAssertNoThrow(try parse(Self.real.replacingOccurrences(of: "renamed while UP", with: summary)).get())
    }

    /// Found by the report fuzz target: JSONDecoder keeps the first of two equal keys, this reader kept the
    /// last, so one report said "supported" to `linkcaps plan --report` and "unsupported" to the audit.
    func testDuplicateKeysItReadsAreMalformed() throws {
        let states = Self.real.replacingOccurrences(of: "\"state\":\"supported\"",
                                                    with: "\"state\":\"unsupported\",\"state\":\"supported\"")
        let real = try Report.decode(Data(Self.real.utf8)), decoded = try Report.decode(Data(states.utf8))
        for (id, result) in real.capabilities where result.state == .supported {
            XCTAssertEqual(decoded.capabilities[id]?.state, .unsupported, "JSONDecoder keeps the first of two keys")
        }
        XCTAssertEqual(reason(states).map { $0.hasSuffix("state appears twice") }, true)
        for (label, text) in [
            ("capability", Self.real.replacingOccurrences(of: "\"capabilities\":{",
                                                         with: "\"capabilities\":{\"move.newIfindex\":{\"state\":\"unsupported\"},")),
            ("capability, escaped", Self.real.replacingOccurrences(
                of: "\"capabilities\":{", with: "\"capabilities\":{\"move\\u002enewIfindex\":{\"state\":\"unsupported\"},")),
            ("schemaVersion", Self.real.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":1,\"schemaVersion\":1")),
            ("kernel.release", Self.real.replacingOccurrences(of: "\"release\":", with: "\"release\":\"other\",\"release\":")),
        ] {
            XCTAssertEqual(reason(text).map { $0.hasSuffix("appears twice") }, true, label)
        }
    }

    func testUnknownCapabilityIdIsKeptAndCounted() throws {
        let text = Self.real.replacingOccurrences(of: "\"move.newIfindex\"", with: "\"move.fromTheFuture\"")
        let lean = try parse(text).get()
        XCTAssertEqual(lean.unknownCapabilities, ["move.fromTheFuture"])
        XCTAssertNil(lean.states[CapabilityID.allCases.firstIndex(of: .moveNewIfindex)!])
    }

    func testUnknownOrMissingState() {
        XCTAssertNotNil(reason(Self.real.replacingOccurrences(of: "\"state\":\"skipped\"", with: "\"state\":\"maybe\"")
            .replacingOccurrences(of: "\"state\":\"supported\"", with: "\"state\":\"maybe\"")))
        XCTAssertNotNil(reason(#"{"schemaVersion":1,"kernel":{"release":"x"},"capabilities":{"a":{}}}"#))
    }

    func testStructuralNastiness() {
        XCTAssertEqual(reason(String(repeating: "[", count: 100_000)), "invalid JSON at byte 0: object expected")
        let deep = #"{"schemaVersion":1,"x":"# + String(repeating: "[", count: 100_000)
        XCTAssertEqual(reason(deep), "nested too deeply")
        XCTAssertNotNil(reason(""))
        XCTAssertNotNil(reason("null"))
        XCTAssertNotNil(reason(Self.real + " {}"))
        XCTAssertNotNil(reason(Self.real.replacingOccurrences(of: "true", with: "tru")))
        XCTAssertNotNil(reason(#"{"schemaVersion":1,"kernel":{"release":"x"}}"#))
    }

    func testEscapesAndControlCharacters() throws {
        let minimal = #"{"schem\u0061Version":1,"kernel":{"release":"6.1.0-\u001b[31mred"},"capabilities":{"move.singleRequest":{"state":"supported"}},"facts":{"osRelease":{"id":"deb\"ian","versionId":null}}}"#
        let lean = try parse(minimal).get()
        XCTAssertEqual(lean.release, "6.1.0-\u{FFFD}[31mred")
        XCTAssertEqual(lean.distroID, "deb\"ian")
        XCTAssertNil(lean.versionID)
        XCTAssertEqual(lean.states.first, .supported)
    }

    func testLineReaderSplitsAcrossTinyReadsAndCapsLines() {
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
        XCTAssertEqual(seen, ["1:a", "3:bb", "4:overlong", "5:last"])
    }
}
