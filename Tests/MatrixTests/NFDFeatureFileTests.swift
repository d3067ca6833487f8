import Capabilities
import FleetOutput
import Foundation
import Matrix
import XCTest

final class NFDFeatureFileTests: XCTestCase {
    func report(_ release: String = Support.hostObservation.release) throws -> Report {
        try Observation.decode(Support.bytes("matrix/observations/\(release).json")).report
    }

    func testEveryLineIsAValidLabel() throws {
        for release in [Support.hostObservation.release, "6.12.117+deb12-cloud-amd64"] {
            let report = try report(release)
            let text = NFDFeatureFile.render(report)
            let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            // One line per capability the report holds (an observation made before a capability existed lacks
            // it), the kernel, the strategy, and the distro's kernel version when the report has host facts.
            XCTAssertEqual(lines.count, report.capabilities.count + 2 + (report.facts?.distroKernelVersion == nil ? 0 : 1))
            for id in report.capabilities.keys { XCTAssertTrue(lines.contains { $0.hasPrefix("linkcaps.io/\(id)=") }, id) }
            XCTAssertTrue(lines.contains("linkcaps.io/move.singleRequest=supported"))
            XCTAssertTrue(lines.contains(Substring("linkcaps.io/kernel=" + NFDFeatureFile.labelValue(release))))
            let valueChars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            for line in lines {
                let parts = line.split(separator: "=", maxSplits: 1)
                XCTAssertEqual(parts.count, 2, String(line))
                XCTAssertTrue(parts[0].hasPrefix("linkcaps.io/"))
                XCTAssertLessThanOrEqual(parts[0].count - "linkcaps.io/".count, 63)
                XCTAssertLessThanOrEqual(parts[1].count, 63)
                XCTAssertTrue(parts[1].allSatisfy(valueChars.contains), String(line))
            }
            // No comment of ours may look like an NFD directive ("# +…"): nfd-worker rejects unknown ones.
            XCTAssertFalse(text.split(separator: "\n").contains { $0.hasPrefix("# +") })
        }
        XCTAssertTrue(NFDFeatureFile.render(try report("6.12.117+deb12-cloud-amd64"))
            .contains("\nlinkcaps.io/distro-kernel=Debian_6.12.117-1_deb12u1\n"))
    }

    func testLabelValueSanitising() {
        XCTAssertEqual(NFDFeatureFile.labelValue("6.12.117+deb12-cloud-amd64"), "6.12.117_deb12-cloud-amd64")
        XCTAssertEqual(NFDFeatureFile.labelValue("-x-"), "x")
        XCTAssertEqual(NFDFeatureFile.labelValue(String(repeating: "a", count: 100)).count, 63)
    }

    func testExpiryDirective() throws {
        XCTAssertEqual(NFDExpiry.directive(epochSeconds: 1_900_000_000), "# +expiry-time=2030-03-17T17:46:40Z")
        XCTAssertEqual(NFDExpiry.directive(epochSeconds: 0), "# +expiry-time=1970-01-01T00:00:00Z")
        XCTAssertEqual(NFDExpiry.directive(epochSeconds: 951_782_400), "# +expiry-time=2000-02-29T00:00:00Z")
        let text = NFDFeatureFile.render(try report(), expiry: NFDExpiry.directive(epochSeconds: 1_900_000_000))
        XCTAssertTrue(text.hasPrefix("# +expiry-time=2030-03-17T17:46:40Z\n# linkcaps "), "the directive covers only the lines after it")
        XCTAssertEqual(text.split(separator: "\n").filter { $0.hasPrefix("# +") }.count, 1)
    }

    func testDurations() {
        XCTAssertEqual(NFDExpiry.seconds("90"), 90)
        XCTAssertEqual(NFDExpiry.seconds("90s"), 90)
        XCTAssertEqual(NFDExpiry.seconds("30m"), 1800)
        XCTAssertEqual(NFDExpiry.seconds("6h"), 21_600)
        XCTAssertEqual(NFDExpiry.seconds("2d"), 172_800)
        XCTAssertEqual(NFDExpiry.seconds("366d"), 366 * 86_400)
        for bad in ["", "0", "0h", "-5m", "h", "1.5h", "2w", "367d", "99999999999", " 5m", "5 m"] {
            XCTAssertNil(NFDExpiry.seconds(bad), bad)
        }
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

    /// `linkcaps probe --format nfd --expires-after` as the DaemonSet runs it (root: it probes), and its refusals.
    func testCommandLineExpiry() throws {
        let (s1, _, e1) = try Support.run(Support.linkcaps, ["probe", "--json", "--expires-after", "2h"])
        XCTAssertEqual(s1, 64)
        XCTAssertTrue(e1.contains("--expires-after needs --format nfd"), e1)
        let (s2, _, e2) = try Support.run(Support.linkcaps, ["probe", "--format", "nfd", "--expires-after", "2w"])
        XCTAssertEqual(s2, 64)
        XCTAssertTrue(e2.contains("want a duration"), e2)
        guard geteuid() == 0 else { throw XCTSkip("needs root to probe (real namespaces); CI runs as root") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nfd-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Int(Date().timeIntervalSince1970)
        let (status, _, err) = try Support.run(Support.linkcaps, [
            "probe", "--format", "nfd", "--no-cache", "--features-dir", dir.path, "--expires-after", "90m"])
        let after = Int(Date().timeIntervalSince1970)
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["linkcaps"])
        let text = try String(contentsOf: dir.appendingPathComponent("linkcaps"), encoding: .utf8)
        let first = try XCTUnwrap(text.split(separator: "\n").first)
        let allowed = Set((before + 5400...after + 5400).map(NFDExpiry.directive(epochSeconds:)))
        XCTAssertTrue(allowed.contains(String(first)), "\(first) is not 90 minutes from now")
        XCTAssertTrue(text.contains("\nlinkcaps.io/move.singleRequest="))
    }
}
