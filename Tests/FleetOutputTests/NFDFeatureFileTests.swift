import Capabilities
import FleetOutput
import Foundation
import Testing
import TestSupport

struct NFDFeatureFileTests {
    /// A real report: the one inside the observation of `release` (this machine's by default).
    func report(_ release: String = Observations.host.release) throws -> Report {
        try Report.decode(Data(Observations.report(release)))
    }

    /// The built CLI, run in the repository; returns (status, stdout, stderr).
    func linkcaps(_ arguments: [String]) throws -> (Int32, String, String) {
        let run = try Subprocess.run([BuiltBinary.linkcaps] + arguments, directory: TestEnvironment.repository)
        return (run.status, run.stdout, run.stderr)
    }

    @Test func everyLineIsAValidLabel() throws {
        for release in [Observations.host.release, "6.12.117+deb12-cloud-amd64"] {
            let report = try report(release)
            let text = NFDFeatureFile.render(report)
            let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            // One line per capability the report holds (an observation made before a capability existed lacks
            // it), the kernel, the strategy, and the distro's kernel version when the report has host facts.
            #expect(lines.count == (report.capabilities.count + 2 + (report.facts?.distroKernelVersion == nil ? 0 : 1)))
            for id in report.capabilities.keys { #expect(lines.contains { $0.hasPrefix("linkcaps.io/\(id)=") }, "\(id)") }
            #expect(lines.contains("linkcaps.io/move.singleRequest=supported"))
            #expect(lines.contains(Substring("linkcaps.io/kernel=" + NFDFeatureFile.labelValue(release))))
            let valueChars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            for line in lines {
                let parts = line.split(separator: "=", maxSplits: 1)
                #expect(parts.count == 2, "\(String(line))")
                #expect(parts[0].hasPrefix("linkcaps.io/"))
                #expect((parts[0].count - "linkcaps.io/".count) <= 63)
                #expect(parts[1].count <= 63)
                #expect(parts[1].allSatisfy(valueChars.contains), "\(String(line))")
            }
            // No comment of ours may look like an NFD directive ("# +…"): nfd-worker rejects unknown ones.
            #expect(!text.split(separator: "\n").contains { $0.hasPrefix("# +") })
        }
        #expect(NFDFeatureFile.render(try report("6.12.117+deb12-cloud-amd64"))
            .contains("\nlinkcaps.io/distro-kernel=Debian_6.12.117-1_deb12u1\n"))
    }

    @Test func labelValueSanitising() {
        #expect(NFDFeatureFile.labelValue("6.12.117+deb12-cloud-amd64") == "6.12.117_deb12-cloud-amd64")
        #expect(NFDFeatureFile.labelValue("-x-") == "x")
        #expect(NFDFeatureFile.labelValue(String(repeating: "a", count: 100)).count == 63)
    }

    @Test func expiryDirective() throws {
        #expect(NFDExpiry.directive(epochSeconds: 1_900_000_000) == "# +expiry-time=2030-03-17T17:46:40Z")
        #expect(NFDExpiry.directive(epochSeconds: 0) == "# +expiry-time=1970-01-01T00:00:00Z")
        #expect(NFDExpiry.directive(epochSeconds: 951_782_400) == "# +expiry-time=2000-02-29T00:00:00Z")
        let text = NFDFeatureFile.render(try report(), expiry: NFDExpiry.directive(epochSeconds: 1_900_000_000))
        #expect(text.hasPrefix("# +expiry-time=2030-03-17T17:46:40Z\n# linkcaps "), "the directive covers only the lines after it")
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("# +") }.count == 1)
    }

    @Test func durations() {
        #expect(NFDExpiry.seconds("90") == 90)
        #expect(NFDExpiry.seconds("90s") == 90)
        #expect(NFDExpiry.seconds("30m") == 1800)
        #expect(NFDExpiry.seconds("6h") == 21_600)
        #expect(NFDExpiry.seconds("2d") == 172_800)
        #expect(NFDExpiry.seconds("366d") == (366 * 86_400))
        for bad in ["", "0", "0h", "-5m", "h", "1.5h", "2w", "367d", "99999999999", " 5m", "5 m"] {
            #expect(NFDExpiry.seconds(bad) == nil, "\(bad)")
        }
    }

    @Test func writerLeavesOnlyTheFinalFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nfd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FeatureFileWriter.write("old\n", directory: dir.path)
        try FeatureFileWriter.write("linkcaps.io/x=y\n", directory: dir.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["linkcaps"])
        #expect(try String(contentsOf: dir.appendingPathComponent("linkcaps"), encoding: .utf8) == "linkcaps.io/x=y\n")
        #expect(throws: (any Error).self) { try FeatureFileWriter.write("x", directory: dir.path + "/missing") }
    }

    /// `linkcaps probe --format nfd --expires-after` as the DaemonSet runs it (root: it probes), and its refusals.
    @Test func commandLineExpiryRefusals() throws {
        let (s1, _, e1) = try linkcaps(["probe", "--json", "--expires-after", "2h"])
        #expect(s1 == 64)
        #expect(e1.contains("--expires-after needs --format nfd"), "\(e1)")
        let (s2, _, e2) = try linkcaps(["probe", "--format", "nfd", "--expires-after", "2w"])
        #expect(s2 == 64)
        #expect(e2.contains("want a duration"), "\(e2)")
    }

    @Test(.enabled(if: TestEnvironment.isRoot, "needs root to probe (real namespaces); CI runs as root"))
    func commandLineExpiryWritesTheDirective() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nfd-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = Int(Date().timeIntervalSince1970)
        let (status, _, err) = try linkcaps([
            "probe", "--format", "nfd", "--no-cache", "--features-dir", dir.path, "--expires-after", "90m"])
        let after = Int(Date().timeIntervalSince1970)
        #expect(status == 0, "\(err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["linkcaps"])
        let text = try String(contentsOf: dir.appendingPathComponent("linkcaps"), encoding: .utf8)
        let first = try #require(text.split(separator: "\n").first)
        let allowed = Set((before + 5400...after + 5400).map(NFDExpiry.directive(epochSeconds:)))
        #expect(allowed.contains(String(first)), "\(first) is not 90 minutes from now")
        #expect(text.contains("\nlinkcaps.io/move.singleRequest="))
    }
}
