import Foundation
import Matrix
import XCTest

/// The catalogue and observations built into the binary (Sources/Matrix/BuiltinData.swift) are exactly
/// the files under matrix/: a stale copy fails here (run scripts/gen-builtin-data). And the binary answers
/// the same outside a checkout as in one.
final class BuiltinDataTests: XCTestCase {
    func testCatalogueIsTheFile() throws {
        // Compared as a whole (a byte-by-byte diff of 20 kB helps nobody): the message says what to do.
        XCTAssertTrue(Builtin.catalogueBytes == (try Support.bytes("matrix/catalogue.json")),
                      "Sources/Matrix/BuiltinData.swift is stale: run scripts/gen-builtin-data")
        XCTAssertEqual(try Builtin.catalogue().capabilities.map(\.id),
                       try Catalogue.decode(Support.bytes("matrix/catalogue.json")).capabilities.map(\.id))
    }

    func testObservationsAreTheFiles() throws {
        let dir = Support.packageRoot.appendingPathComponent("matrix/observations")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(Builtin.observationFiles.map(\.name), names,
                       "Sources/Matrix/BuiltinData.swift is stale: run scripts/gen-builtin-data")
        for (name, bytes) in Builtin.observationFiles {
            XCTAssertTrue(bytes == (try Support.bytes("matrix/observations/\(name)")),
                          "\(name) differs from its built-in copy: run scripts/gen-builtin-data")
        }
    }

    /// The generator reproduces the committed file byte for byte (so the check above is about the data).
    func testGeneratorReproducesTheFile() throws {
        let (status, _, err) = try Support.run(URL(fileURLWithPath: "/usr/bin/env"),
                                               ["python3", "scripts/gen-builtin-data", "--check"])
        XCTAssertEqual(status, 0, err)
    }

    /// From a directory with no matrix/ (where `linkcaps matrix` used to fail with ENOENT), every format
    /// equals the golden made in the checkout.
    func testMatrixAndAuditOutsideACheckout() throws {
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("linkcaps-elsewhere-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        for format in OutputFormat.allCases {
            let (status, out, err) = try Support.run(Support.linkcaps, ["matrix", "--format", format.rawValue], directory: elsewhere)
            XCTAssertEqual(status, 0, err)
            try Support.assertGolden(out, "matrix.\(format.rawValue)")
        }
        let inputs = GoldenTests.auditInputs.map { Support.packageRoot.appendingPathComponent($0).path }
        let (status, out, err) = try Support.run(Support.linkcaps, ["audit", "--format", "csv"] + inputs, directory: elsewhere)
        XCTAssertEqual(status, 0, err)
        try Support.assertGolden(out, "audit.csv")
    }

    func testOverridesReplaceTheBuiltInData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("linkcaps-obs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = "6.1.0-56-cloud-amd64.json"
        try Data(Support.bytes("matrix/observations/\(one)")).write(to: dir.appendingPathComponent(one))
        let (status, out, err) = try Support.run(Support.linkcaps, ["matrix", "--format", "csv", "--observations", dir.path])
        XCTAssertEqual(status, 0, err)
        let rows = Set(out.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" })
        XCTAssertEqual(rows, ["6.1.0-56-cloud-amd64"])

        // A catalogue without entries: every inferred cell becomes unknown, so the output changes.
        var catalogue = try Builtin.catalogue()
        catalogue.capabilities = []
        let file = dir.appendingPathComponent("empty-catalogue.json")
        try JSONEncoder().encode(catalogue).write(to: file)
        let (s2, withEmpty, e2) = try Support.run(Support.linkcaps, ["matrix", "--format", "json", "--catalogue", file.path])
        XCTAssertEqual(s2, 0, e2)
        let (_, builtIn, _) = try Support.run(Support.linkcaps, ["matrix", "--format", "json"])
        XCTAssertNotEqual(withEmpty, builtIn)
        let (s3, _, e3) = try Support.run(Support.linkcaps, ["matrix", "--catalogue", dir.appendingPathComponent("missing.json").path])
        XCTAssertEqual(s3, 64)
        XCTAssertTrue(e3.contains("missing.json") && e3.contains("--catalogue"), e3)
    }
}
