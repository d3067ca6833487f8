import Capabilities
import CapabilityCache
import Foundation
import Glibc
@testable import HostDevice
import Testing

/// Where the plugin gets its report: the cached file read lean (ReportReader), which must give the policy what
/// the full decode gives it, and nothing a full read would refuse. No root: the cache is written through a
/// probe that touches nothing, for this boot's key.
@Suite(.serialized) struct ReportSourceTests {
    static func withCache(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/linkcaps-report-source.XXXXXX".utf8CString)
        let root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        defer { try? FileManager.default.removeItem(atPath: root) }
        setenv("LINKCAPS_CACHE_DIR", root + "/cache", 1)
        defer { unsetenv("LINKCAPS_CACHE_DIR") }
        try body(root + "/cache")
    }

    static func fakeReport(_ options: Any) -> Report {
        let key = CacheKey.current
        var capabilities: [String: CapabilityResult] = [:]
        for (index, id) in CapabilityID.allCases.enumerated() {
            let state: CapabilityState = index % 3 == 0 ? .unsupported : index % 3 == 1 ? .supported : .skipped
            capabilities[id.rawValue] = CapabilityResult(state: state, summary: "fake \(index)", evidence: Evidence(durationMs: 1),
                                                         metadata: CapabilityMetadata())
        }
        return Report(tool: .init(name: "linkcaps", version: ToolVersion.current),
                      kernel: .init(release: key.kernelRelease, version: "#1 test"), bootId: key.bootId,
                      probe: .init(id: "fake", startedAt: "now", durationMs: 1, linkKind: "veth", linkKindNotes: [:],
                                   privileged: key.privileged),
                      capabilities: capabilities)
    }

    @Test func theCachedReportIsReadLeanWithTheStatesOfTheFullDecode() throws {
        try Self.withCache { directory in
            let cache = CapabilityCache(directory: directory, probe: { Self.fakeReport($0) })
            _ = try cache.report()
            let full = try #require(cache.cachedReport())
            var warned: [String] = []
            let read = try ReportSource.report { warned.append($0) }
            #expect(warned.isEmpty)
            #expect(read.source == .cache)
            #expect(read.capabilities.mapValues(\.state) == full.capabilities.mapValues(\.state))
            #expect(read.bootId == full.bootId && read.kernel.release == full.kernel.release)
        }
    }

    /// A file the full read refuses (here: probe.durationMs as a string, which the old quick decode never
    /// looked at) is not believed by the lean read either: the plugin probes.
    @Test func aReportTheFullReadRefusesIsNotBelieved() throws {
        try Self.withCache { directory in
            let cache = CapabilityCache(directory: directory, probe: { Self.fakeReport($0) })
            _ = try cache.report()
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".json") })
            let path = directory + "/" + file
            var text = try String(contentsOfFile: path, encoding: .utf8)
            let before = text
            text = text.replacingOccurrences(of: "\"durationMs\" : 1,", with: "\"durationMs\" : \"1\",")
            #expect(text != before && text.utf8.count == before.utf8.count + 2)
            // Keep the header's length right, so that only the report's shape is wrong.
            let newline = try #require(text.firstIndex(of: "\n"))
            let header = String(text[..<newline])
            let body = text[text.index(after: newline)...]
            let fields = header.split(separator: "\t", omittingEmptySubsequences: false)
            text = fields.dropLast().joined(separator: "\t") + "\t\(body.utf8.count)\n" + body
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            #expect(cache.cachedLeanReport() == nil)
            #expect(cache.cachedReport() == nil)
            var probed = 0
            let again = CapabilityCache(directory: directory, probe: { probed += 1; return Self.fakeReport($0) })
            #expect(try again.report().source == .probe && probed == 1)
        }
    }
}
