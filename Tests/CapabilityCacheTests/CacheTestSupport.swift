import CapabilityCache
import Capabilities
import Foundation
import Glibc
import Probe

/// A temporary cache directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/linkcaps-cache-test.XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    var cache: String { path + "/cache" }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A probe that touches nothing: it answers for its key, counts its runs and remembers what it was asked.
final class FakeProbe {
    var runs = 0
    var asked: [Set<CapabilityID>?] = []
    var states: [CapabilityID: CapabilityState] = [:]
    let key: CacheKey

    init(key: CacheKey) { self.key = key }

    func run(_ options: ProbeOptions) throws -> Report {
        runs += 1
        asked.append(options.only)
        var capabilities: [String: CapabilityResult] = [:]
        for id in CapabilityID.allCases where options.only?.contains(id) ?? true {
            capabilities[id.rawValue] = CapabilityResult(state: states[id] ?? .supported, summary: "fake",
                                                         evidence: Evidence(), metadata: CapabilityMetadata())
        }
        return Report(tool: .init(name: "linkcaps", version: ToolVersion.current),
                      kernel: .init(release: key.kernelRelease, version: "#1 test"), bootId: key.bootId,
                      probe: .init(id: "fake-\(runs)", startedAt: "now", durationMs: 1, linkKind: "veth",
                                   linkKindNotes: [:], privileged: key.privileged),
                      capabilities: capabilities)
    }
}

enum TestKeys {
    static let a = CacheKey(bootId: "11111111-aaaa", kernelRelease: "6.1.0-test", privileged: true)
    static func cache(_ directory: TemporaryDirectory, key: CacheKey = a, probe: FakeProbe) -> CapabilityCache {
        CapabilityCache(directory: directory.cache, key: key, probe: probe.run)
    }
}

/// The one cache file of a directory (the cache names it after a hash of its key).
func cacheFile(in directory: TemporaryDirectory) -> String? { cacheFiles(in: directory).first }

func cacheFiles(in directory: TemporaryDirectory) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.cache)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map { directory.cache + "/" + $0 }
}

