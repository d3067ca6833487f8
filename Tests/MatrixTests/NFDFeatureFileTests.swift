import Capabilities
import FleetOutput
import Matrix
import XCTest

final class NFDFeatureFileTests: XCTestCase {
    func report() throws -> Report {
        try Observation.decode(Support.bytes("matrix/observations/6.18.44-fc-v657.json")).report
    }

    func testEveryLineIsAValidLabel() throws {
        let text = NFDFeatureFile.render(try report())
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        let report = try report()
        // One line per capability the report holds (an observation made before a capability existed lacks it).
        XCTAssertEqual(lines.count, report.capabilities.count + 2)
        for id in report.capabilities.keys { XCTAssertTrue(lines.contains { $0.hasPrefix("linkcaps.io/\(id)=") }, id) }
        XCTAssertTrue(lines.contains("linkcaps.io/move.singleRequest=supported"))
        XCTAssertTrue(lines.contains("linkcaps.io/kernel=6.18.44-fc-v657"))
        let valueChars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        for line in lines {
            let parts = line.split(separator: "=", maxSplits: 1)
            XCTAssertEqual(parts.count, 2, String(line))
            XCTAssertTrue(parts[0].hasPrefix("linkcaps.io/"))
            XCTAssertLessThanOrEqual(parts[0].count - "linkcaps.io/".count, 63)
            XCTAssertLessThanOrEqual(parts[1].count, 63)
            XCTAssertTrue(parts[1].allSatisfy(valueChars.contains), String(line))
        }
    }

    func testLabelValueSanitising() {
        XCTAssertEqual(NFDFeatureFile.labelValue("6.12.117+deb12-cloud-amd64"), "6.12.117_deb12-cloud-amd64")
        XCTAssertEqual(NFDFeatureFile.labelValue("-x-"), "x")
        XCTAssertEqual(NFDFeatureFile.labelValue(String(repeating: "a", count: 100)).count, 63)
    }

    func testWriterLeavesOnlyTheFinalFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nfd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FeatureFileWriter.write("old\n", directory: dir.path)
        try FeatureFileWriter.write("linkcaps.io/x=y\n", directory: dir.path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["linkcaps"])
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("linkcaps"), encoding: .utf8), "linkcaps.io/x=y\n")
        XCTAssertThrowsError(try FeatureFileWriter.write("x", directory: dir.path + "/missing"))
    }
}
