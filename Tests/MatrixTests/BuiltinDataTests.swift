import Foundation
import Matrix
import Testing

/// The catalogue and observations the build carries into the binary (Plugins/BuiltinDataPlugin) are exactly
/// the files under matrix/, and the binary answers the same outside a checkout as in one.
@Suite struct BuiltinDataTests {
    @Test func catalogueIsTheFile() throws {
        // Compared as a whole (a byte-by-byte diff of 20 kB helps nobody).
        #expect(Builtin.catalogueBytes == (try Support.bytes("matrix/catalogue.json")),
                "the built-in catalogue differs from matrix/catalogue.json: the build did not rerun the plugin")
        #expect(try Builtin.catalogue().capabilities.map(\.id)
                == (try Catalogue.decode(Support.bytes("matrix/catalogue.json")).capabilities.map(\.id)))
    }

    @Test func observationsAreTheFiles() throws {
        let dir = Support.packageRoot.appendingPathComponent("matrix/observations")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(Builtin.observationFiles.map(\.name) == names)
        for (name, bytes) in Builtin.observationFiles {
            #expect(bytes == (try Support.bytes("matrix/observations/\(name)")), "\(name) differs from its built-in copy")
        }
    }

    /// From a directory with no matrix/ (where `linkcaps matrix` used to fail with ENOENT), every format
    /// equals the golden made in the checkout.
    @Test func matrixAndAuditOutsideACheckout() throws {
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("linkcaps-elsewhere-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        for format in OutputFormat.allCases {
            let (status, out, err) = try Support.run(Support.linkcaps, ["matrix", "--format", format.rawValue], directory: elsewhere)
            #expect(status == 0, "\(err)")
            #expect(out == (try golden("matrix.\(format.rawValue)")), "matrix.\(format.rawValue) differs from its golden")
        }
        let inputs = GoldenTests.auditInputs.map { Support.packageRoot.appendingPathComponent($0).path }
        let (status, out, err) = try Support.run(Support.linkcaps, ["audit", "--format", "csv"] + inputs, directory: elsewhere)
        #expect(status == 0, "\(err)")
        #expect(out == (try golden("audit.csv")), "audit.csv differs from its golden")
    }

    @Test func overridesReplaceTheBuiltInData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("linkcaps-obs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = "6.1.0-56-cloud-amd64.json"
        try Data(Support.bytes("matrix/observations/\(one)")).write(to: dir.appendingPathComponent(one))
        let (status, out, err) = try Support.run(Support.linkcaps, ["matrix", "--format", "csv", "--observations", dir.path])
        #expect(status == 0, "\(err)")
        let rows = Set(out.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" })
        #expect(rows == ["6.1.0-56-cloud-amd64"])

        // A catalogue without entries: every inferred cell becomes unknown, so the output changes.
        var catalogue = try Builtin.catalogue()
        catalogue.capabilities = []
        let file = dir.appendingPathComponent("empty-catalogue.json")
        try JSONEncoder().encode(catalogue).write(to: file)
        let (s2, withEmpty, e2) = try Support.run(Support.linkcaps, ["matrix", "--format", "json", "--catalogue", file.path])
        #expect(s2 == 0, "\(e2)")
        let (_, builtIn, _) = try Support.run(Support.linkcaps, ["matrix", "--format", "json"])
        #expect(withEmpty != builtIn)
        let (s3, _, e3) = try Support.run(Support.linkcaps, ["matrix", "--catalogue", dir.appendingPathComponent("missing.json").path])
        #expect(s3 == 64)
        #expect(e3.contains("missing.json") && e3.contains("--catalogue"), "\(e3)")
    }

    /// Tests/MatrixTests/Golden/<name>, compared here rather than through Support.assertGolden (XCTest's).
    private func golden(_ name: String) throws -> String {
        try String(contentsOf: Support.testsDir.appendingPathComponent("Golden/\(name)"), encoding: .utf8)
    }
}
