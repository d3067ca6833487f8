import Foundation
import Matrix
import Testing
import TestSupport

/// `linkcaps matrix` and `linkcaps audit` end to end, in every format, against stored goldens.
struct GoldenTests {
    static let auditInputs = ["Tests/MatrixTests/Fleet/fleet.jsonl", "Tests/MatrixTests/Fleet/broken.jsonl",
                              "Tests/MatrixTests/Fleet/host-a"]

    func output(_ arguments: [String], stdin: Data? = nil) throws -> String {
        let (status, out, err) = try Support.run(Support.linkcaps, arguments, stdin: stdin)
        #expect(status == 0, "\(err)")
        return out
    }

    @Test func matrixEveryFormat() throws {
        for format in OutputFormat.allCases {
            try Support.assertGolden(try output(["matrix", "--format", format.rawValue]), "matrix.\(format.rawValue)")
        }
    }

    @Test func everyObservedKernelInEveryFormat() throws {
        let dir = Support.packageRoot.appendingPathComponent("matrix/observations")
        let releases = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        #expect(releases.count >= 1)
        for format in OutputFormat.allCases {
            let text = try output(["matrix", "--format", format.rawValue])
            for release in releases {
                // HTML escapes nothing in a release; "+" stays "+" everywhere.
                #expect(text.contains(release), "\(release) missing from --format \(format.rawValue)")
            }
        }
    }

    @Test func auditEveryFormat() throws {
        for format in OutputFormat.allCases {
            try Support.assertGolden(try output(["audit", "--format", format.rawValue] + Self.auditInputs),
                                     "audit.\(format.rawValue)")
        }
    }

    @Test func stdinGivesTheSameCounts() throws {
        let data = try Data(contentsOf: Support.packageRoot.appendingPathComponent(Self.auditInputs[0]))
        let fromStdin = try output(["audit", "--format", "json", "-"], stdin: data)
        let fromFile = try output(["audit", "--format", "json", Self.auditInputs[0]])
        #expect(fromStdin.replacingOccurrences(of: "<stdin>", with: Self.auditInputs[0]) == fromFile)
    }

    @Test func auditNamesEachMalformedLine() throws {
        let json = try output(["audit", "--format", "json"] + Self.auditInputs)
        let audit = try JSONDecoder().decode(FleetAudit.self, from: Data(json.utf8))
        let broken = "Tests/MatrixTests/Fleet/broken.jsonl"
        #expect(audit.malformed.map(\.source) == [1, 2, 3, 5, 6, 8].map { "\(broken):\($0)" })
        #expect(audit.malformedCount == 6)
        #expect(audit.unknownCapabilities == ["move.fromTheFuture": 1])
        #expect(audit.reports == (40 + 9 + 1))
        #expect(audit.groups.contains { $0.release == "6.18.44-\u{FFFD}[2Jevil" })
    }

    /// The page must parse (as XML: stricter than HTML) and show every cell of the sheet, in order.
    @Test func hTMLParsesAndHasEveryCell() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        for (arguments, sheet) in [
            (["matrix", "--format", "html"], try matrixSheet(catalogue)),
            (["audit", "--format", "html"] + Self.auditInputs, try auditSheet(catalogue)),
        ] {
            let html = try output(arguments)
            let script = """
                import json, sys, xml.etree.ElementTree as ET
                from html.parser import HTMLParser
                HTMLParser().feed(sys.stdin.read() if False else open(sys.argv[1]).read())
                root = ET.parse(sys.argv[1]).getroot()
                ns = {"h": "http://www.w3.org/1999/xhtml"}
                rows = [[(td.text or "") for td in tr.findall("h:td", ns)] for tr in root.iterfind(".//h:tbody/h:tr", ns)]
                assert not root.findall(".//h:script", ns) and not root.findall(".//h:link", ns)
                print(json.dumps(rows))
                """
            let page = FileManager.default.temporaryDirectory.appendingPathComponent("linkcaps-\(UUID().uuidString).html")
            try html.write(to: page, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: page) }
            let (status, out, err) = try Support.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, page.path])
            #expect(status == 0, "the HTML does not parse: \(err)")
            let cells = try JSONDecoder().decode([[String]].self, from: Data(out.utf8))
            #expect(cells == sheet.rows.map { $0.map(\.text) })
            #expect(!(html.contains("http://") && html.replacingOccurrences(of: "http://www.w3.org/1999/xhtml", with: "").contains("http://")))
        }
    }

    func matrixSheet(_ catalogue: Catalogue) throws -> Sheet {
        let json = try output(["matrix", "--format", "json"])
        return try JSONDecoder().decode(CompatibilityMatrix.self, from: Data(json.utf8)).sheet(catalogue: catalogue)
    }

    func auditSheet(_ catalogue: Catalogue) throws -> Sheet {
        let json = try output(["audit", "--format", "json"] + Self.auditInputs)
        return try JSONDecoder().decode(FleetAudit.self, from: Data(json.utf8)).sheet(catalogue: catalogue)
    }
}
