import Capabilities
@testable import CapabilityCache
import FuzzSupport
import Glibc
@testable import HostDevice
import Netlink

/// The per-boot cache file (/run/linkcaps/report-*.json): a header line, then the report. Anyone who can
/// write there (or a tool of another version) may have put anything in it. Every reader runs on the file as
/// the plugin and the CLI find it: CacheFile.read (header, length, JSONDecoder, key check), the plugin's
/// fast path (cachedReportJSON, then ReportSource.quickDecode), and cachedReport.
///
/// Input: the first byte chooses the file. Bit 0 clear: a header written for the key, as the tool writes it
/// (bit 1: complete or partial), then the rest as the report; set: the rest is the whole file.
func fuzzCacheFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    guard let mode = bytes.first else { return 0 }
    var file = [UInt8]()
    let rest = bytes.dropFirst()
    if mode & 1 == 0 {
        let header = CacheHeader(key: scratch.key, complete: mode & 2 == 0, reportBytes: rest.count)
        file = Array((header.line + "\n").utf8)
    }
    file += rest
    scratch.install(file)

    let cache = CapabilityCache(directory: scratch.directory, key: scratch.key)
    let status = cache.inspect()
    if case .valid(let report) = status {
        invariant(report.bootId == scratch.key.bootId && report.kernel.release == scratch.key.kernelRelease,
                  "a cache file for another boot or kernel was accepted")
    }
    _ = cache.cachedReport()
    _ = cache.cachedReportJSON(requiring: "facts")
    guard let text = cache.cachedReportJSON(), let quick = ReportSource.quickDecode(text) else { return 0 }
    // The plugin's fast reader and the CLI's JSONDecoder read the same bytes: where both accept the file,
    // the plugin must act on the states the CLI shows.
    if case .valid(let full) = status {
        for (id, result) in full.capabilities {
            invariant(quick.capabilities[id] == nil || quick.capabilities[id]?.state == result.state,
                      "the plugin reads \(id) as \(String(describing: quick.capabilities[id]?.state)), the CLI as \(result.state)")
        }
    }
    return 0
}

/// A private cache directory (0700, ours) under the working directory (Fuzzing/run: .build-fuzz/), removed at
/// exit.
struct Scratch {
    let directory: String
    let key = CacheKey(bootId: "fuzz-boot-id", kernelRelease: "6.1.0-fuzz-amd64", privileged: true)
    var file: CacheFile { CacheFile(directory: directory, key: key) }

    init() {
        var template = Array("linkcaps-fuzz-cache.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("mkdtemp: \(errno)") }
        directory = String(cString: made)
        atexit { scratch.remove() }
    }

    func remove() {
        unlink(file.path)
        unlink(directory + "/next")
        rmdir(directory)
    }

    /// Replaces the cache file as the tool does (new file, renamed over the old one). Its mtime is a counter,
    /// so the in-process memo of the last decoded file (keyed by inode, size and times) never answers for it.
    func install(_ bytes: [UInt8]) {
        let temporary = directory + "/next"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { fatalError("cannot create \(temporary): \(errno)") }
        guard bytes.withUnsafeBytes({ writeAll(fd: fd, $0) }) else { fatalError("cannot write \(temporary): \(errno)") }
        generation += 1
        var times = [timespec(tv_sec: generation, tv_nsec: 0), timespec(tv_sec: generation, tv_nsec: 0)]
        futimens(fd, &times)
        close(fd)
        guard rename(temporary, file.path) == 0 else { fatalError("rename: \(errno)") }
    }
}

nonisolated(unsafe) private var generation = 0
private let scratch = Scratch()

runFuzzer { fuzzCacheFile($0, $1) }
