import Capabilities
import Foundation
import Glibc
import Testing
import TestSupport

/// 64 `linkcaps probe --json` processes started together on a cold cache: exactly one probe runs (the
/// probe counter has one line) and all 64 print the same probe id. Runs the real binary, so the real
/// probe: needs root (CI is root).
struct ConcurrentColdCacheTests {
    static let processes = 64

    /// The `linkcaps` executable next to this test bundle (.build/<triple>/debug/).
    static var linkcapsBinary: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        var path = String(cString: buffer).split(separator: "/").dropLast()
        if path.last?.hasSuffix(".xctest") == true { path = path.dropLast() }
        let candidate = "/" + path.joined(separator: "/") + "/linkcaps"
        return access(candidate, X_OK) == 0 ? candidate : nil
    }

    @Test(.enabled(if: TestEnvironment.isRoot, "needs root: 64 real probes share one cache (CI is root)"))
    func sixtyFourColdCallersCauseOneProbe() throws {
        let binary = try #require(Self.linkcapsBinary, "linkcaps not built next to the tests: run `swift build` first")
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let counter = directory.path + "/probes"
        var environment = ProcessInfo.processInfo.environment
        environment["LINKCAPS_TEST_PROBE_COUNTER"] = counter
        environment["LINKCAPS_CACHE_DIR"] = directory.cache

        var running: [(Process, Pipe)] = []
        for _ in 0 ..< Self.processes {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["probe", "--json"]
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            running.append((process, output))
        }
        for (process, _) in running { try process.run() }
        var ids: [String] = []
        var sources: [Report.Source] = []
        for (process, output) in running {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let report = try Report.decode(data)
            ids.append(report.probe.id)
            sources.append(report.source)
        }
        let lines = (try? String(contentsOfFile: counter, encoding: .utf8))?.split(separator: "\n") ?? []
        #expect(lines.count == 1, "the probe counter says \(lines.count) probes")
        #expect(Set(ids).count == 1, "\(Set(ids).count) different probe ids")
        #expect(sources.filter { $0 == .probe }.count == 1)
        #expect(sources.filter { $0 == .cache }.count == Self.processes - 1)
    }
}
