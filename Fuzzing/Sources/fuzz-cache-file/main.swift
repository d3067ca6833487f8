import Capabilities
@testable import CapabilityCache
import FuzzSupport
import Glibc

/// The per-boot cache file (/run/linkcaps/report-*.json): a header line, then the report. Anyone who can
/// write there (or a tool of another version) may have put anything in it. Every reader runs on the file as
/// the plugin and the CLI find it: CacheFile.read (header, length, Report.decode, key check),
/// cachedReport and cachedReportJSON (the CLI's `probe`), and the plugin's cachedLeanReport (ReportReader's
/// lean read), which must answer where the CLI's read does and with the same states.
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
    let cached = cache.cachedReport()
    _ = cache.cachedReportJSON(requiring: "facts")
    _ = cache.cachedReportJSON()
    let lean = cache.cachedLeanReport()
    var complete = false
    if case .success(let (header, body))? = cache.file.readChecked() {
        complete = header.complete
        _ = readAlike(Array(body))
    }
    guard case .valid(let full) = status else {
        invariant(lean == nil, "the plugin reads a cache file the CLI ignores (\(status))")
        return 0
    }
    invariant(full.bootId == scratch.key.bootId && full.kernel.release == scratch.key.kernelRelease,
              "a cache file for another boot or kernel was accepted")
    // The file is valid for the key: the plugin answers from it exactly when its header says complete.
    invariant((lean != nil) == complete, "the plugin \(lean == nil ? "ignores" : "reads") a valid \(complete ? "complete" : "partial") cache file")
    if let lean { sameStates(lean, full, "the plugin's read", "the CLI's") }
    if let lean, let cached { sameStates(lean, cached, "the plugin's read", "cachedReport") }
    return 0
}

/// What the policy reads (every state) and what the key is checked against (release, boot id).
func sameStates(_ a: Report, _ b: Report, _ aName: String, _ bName: String) {
    invariant(a.kernel.release == b.kernel.release && a.bootId == b.bootId, "\(aName) and \(bName) read another kernel or boot")
    for id in CapabilityID.allCases {
        invariant(a.state(id) == b.state(id),
                  "\(id.rawValue): \(aName) reads \(String(describing: a.state(id))), \(bName) \(String(describing: b.state(id)))")
    }
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
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { fatalError("cannot write \(temporary): \(errno)") }
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
