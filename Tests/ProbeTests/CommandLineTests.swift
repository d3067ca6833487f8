import Capabilities
import Foundation
import Testing
import TestSupport

/// The built `linkcaps` binary, run as a user would.
@Suite("linkcaps probe, the command")
struct CommandLineTests {
    @Test(.enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
    func jsonReportAsRoot() throws {
        let result = try Subprocess.run([BuiltBinary.linkcaps, "probe", "--json", "--no-cache"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Report.decode(Data(result.stdout.utf8))
        #expect(Set(report.capabilities.keys) == Set(CapabilityID.allCases.map(\.rawValue)))
        #expect(report.probe.privileged)
        #expect(report.probe.linkKind != nil)
        #expect(report.schemaVersion == Report.currentSchemaVersion)
    }

    @Test(.enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
    func tableNamesEveryCapability() throws {
        let result = try Subprocess.run([BuiltBinary.linkcaps, "probe", "--no-cache"])
        #expect(result.status == 0)
        for id in CapabilityID.allCases { #expect(result.stdout.contains(id.rawValue)) }
        #expect(result.stdout.contains("throwaway link:"))
    }

    /// Runs the built CLI as uid 65534 (`before` goes in front of it: unshare …), from a copy it can reach:
    /// the repository may be in a folder only root can enter.
    func runUnprivileged(_ before: [String], _ arguments: [String]) throws -> Subprocess {
        let copy = try UnprivilegedCopy(of: BuiltBinary.linkcaps)
        defer { copy.remove() }
        return try Subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + before + [copy.path] + arguments)
    }

    @Test(.enabled(if: TestEnvironment.isRoot, "needs root to drop to an unprivileged user"))
    func withoutPrivilegeSaysWhyAndFails() throws {
        let result = try runUnprivileged([], ["probe", "--no-cache"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.contains("sudo") && result.stderr.contains("unshare -Ur --net"))
    }

    /// The README's promise: one line and status 2, also where the cache cannot be used either (the
    /// default /run/linkcaps is root's; a directory of root's is refused the same way).
    @Test(.enabled(if: TestEnvironment.isRoot, "needs root to drop to an unprivileged user"))
    func withoutPrivilegeAndWithoutAUsableCacheSaysOneLine() throws {
        for arguments in [["probe"], ["probe", "--json"], ["probe", "--cache-dir", "/root"]] {
            let result = try runUnprivileged([], arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("sudo"), "\(arguments): \(result.stderr)")
        }
    }

    @Test(.enabled(if: TestEnvironment.isRoot, "needs root to drop to an unprivileged user"))
    func rootlessInsideAUserAndNetworkNamespace() throws {
        let result = try runUnprivileged(["unshare", "-Ur", "--net"], ["probe", "--json", "--no-cache"])
        try #require(result.status == 0, "\(result.stderr)")
        let report = try Report.decode(Data(result.stdout.utf8))
        #expect(report.probe.privileged == false)
        #expect(report.state(.moveSingleRequest) == .supported)
    }
}

@Suite("linkcaps probe --format nfd, the command")
struct FeatureFileCommandTests {
    @Test(.enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
    func writesTheFeatureFileAtomically() throws {
        let directory = NSTemporaryDirectory() + "linkcaps-nfd-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Subprocess.run([BuiltBinary.linkcaps, "probe", "--format", "nfd", "--no-cache",
                                         "--features-dir", directory])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["linkcaps"], "no dotfile left behind")
        let text = try String(contentsOfFile: directory + "/linkcaps", encoding: .utf8)
        for id in CapabilityID.allCases {
            #expect(text.contains("linkcaps.io/\(id.rawValue)="), "\(id.rawValue)")
        }
    }
}
