import Capabilities
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What is stored: the key it was written for, and the report.
struct CacheEntry: Codable {
    var key: CacheKey
    var report: Report
}

/// What a look at the cache file found. `ignored` files are never trusted; the next write replaces them.
public enum CacheFileStatus: Equatable {
    case missing
    case ignored(String)
    case valid(Report)
}

/// Reading and writing one cache file. Reads never follow a symlink and check the open file itself
/// (fstat), so what is checked is what is read; writes are atomic (temp file, fsync, rename, fsync dir).
struct CacheFile {
    static let sizeLimit = 4 << 20

    let directory: String
    let key: CacheKey

    var path: String { directory + "/" + key.fileStem + ".json" }
    var lockPath: String { directory + "/" + key.fileStem + ".lock" }

    func read() -> CacheFileStatus {
        let fd = retrying { open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) }
        if fd < 0 {
            if errno == ENOENT { return .missing }
            return .ignored(errno == ELOOP ? "is a symlink" : "open: \(errnoText(errno))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .ignored("fstat: \(errnoText(errno))") }
        if let problem = trustProblem(info, expectDirectory: false) { return .ignored(problem) }
        guard info.st_size <= Self.sizeLimit else { return .ignored("larger than \(Self.sizeLimit) bytes") }
        let size = Int(info.st_size)
        var data = Data(count: size)
        let got = data.withUnsafeMutableBytes { buffer -> Int in
            var total = 0
            while total < size {
                let n = retrying { Glibc.read(fd, buffer.baseAddress! + total, size - total) }
                if n <= 0 { break }
                total += n
            }
            return total
        }
        guard got == size else { return .ignored("short read (\(got) of \(size) bytes)") }
        let entry: CacheEntry
        do { entry = try JSONDecoder().decode(CacheEntry.self, from: data) } catch {
            return .ignored("not a cache entry (corrupt or truncated)")
        }
        guard entry.key == key else { return .ignored("written for another key (boot, kernel, tool or privilege)") }
        // The report must agree with its key: a file copied from another boot is refused even if renamed.
        guard entry.report.bootId == key.bootId, entry.report.kernel.release == key.kernelRelease,
              entry.report.schemaVersion == key.schemaVersion else {
            return .ignored("report does not match its key")
        }
        return .valid(entry.report)
    }

    func write(_ report: Report) throws(CapabilityCacheError) {
        var stored = report
        stored.source = .probe
        let data: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            data = try encoder.encode(CacheEntry(key: key, report: stored))
        } catch {
            throw .probeFailed("cannot encode the report: \(error)")
        }
        let temporary = directory + "/." + key.fileStem + ".\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp"
        let fd = retrying { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw .io(operation: "create", path: temporary, errno: errno) }
        var failure: CapabilityCacheError?
        if fchmod(fd, 0o644) != 0 { failure = .io(operation: "fchmod", path: temporary, errno: errno) }
        if failure == nil, !data.withUnsafeBytes({ writeAll(fd, $0) }) {
            failure = .io(operation: "write", path: temporary, errno: errno)
        }
        if failure == nil, fsync(fd) != 0 { failure = .io(operation: "fsync", path: temporary, errno: errno) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = .io(operation: "rename", path: path, errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        // The rename is durable only once the directory is synced.
        let dirFd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFd >= 0 {
            _ = fsync(dirFd)
            close(dirFd)
        }
    }
}
