import Capabilities
import Glibc
import SystemCalls
import SystemPackage
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The file's first line: what it is valid for, whether every answer in it is conclusive, and how many
/// bytes of report follow (a truncated file never matches). The rest is the report, pretty-printed with
/// sorted keys, exactly as `linkcaps probe --json` prints it, so a cached answer is printed without a
/// decode/encode round trip (which costs a fresh process more than everything else it does). The header is
/// tab-separated text, not JSON, for the same reason:
///     linkcaps-cache <TAB> key fields… <TAB> complete|partial <TAB> report bytes
struct CacheHeader: Equatable {
    var key: CacheKey
    var complete: Bool
    var reportBytes: Int

    static let magic = "linkcaps-cache"

    static func keyFields(_ key: CacheKey) -> String {
        [magic, String(key.schemaVersion), key.bootId, key.kernelRelease, key.probeSet,
         key.privileged ? "privileged" : "unprivileged"].joined(separator: "\t")
    }

    var line: String { Self.keyFields(key) + "\t" + (complete ? "complete" : "partial") + "\t" + String(reportBytes) }

    /// Parses a header line, accepting it only if it was written for `key` (tabs and newlines cannot occur
    /// in the fields: boot ids, releases and the probe set are plain tokens).
    static func parse(_ line: [UInt8], for key: CacheKey) -> CacheHeader? {
        let expected = Array((keyFields(key) + "\t").utf8)
        guard line.count > expected.count, Array(line[..<expected.count]) == expected else { return nil }
        let rest = line[expected.count...].split(separator: 0x09, omittingEmptySubsequences: false)
        guard rest.count == 2, let bytes = Int(String(decoding: rest[1], as: UTF8.self)), bytes >= 0 else { return nil }
        let state = String(decoding: rest[0], as: UTF8.self)
        guard state == "complete" || state == "partial" else { return nil }
        return CacheHeader(key: key, complete: state == "complete", reportBytes: bytes)
    }
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
        let file: FileDescriptor
        let info: stat
        switch openChecked() {
        case nil: return .missing
        case .failure(let reason)?: return .ignored(reason.text)
        case .success(let opened)?: (file, info) = opened
        }
        defer { file.closeQuietly() }
        let stamp = FileStamp(path: path, info)
        if let report = DecodedMemo.shared.report(for: stamp) { return .valid(report) }
        let body: Data
        switch readBody(file, size: Int(info.st_size)) {
        case .failure(let reason): return .ignored(reason.text)
        case .success(let (_, data)): body = data
        }
        let report: Report
        do { report = try Report.decode(body) } catch { return .ignored("report unreadable (corrupt)") }
        // The report must agree with its key: a file copied from another boot is refused even if renamed.
        guard report.bootId == key.bootId, report.kernel.release == key.kernelRelease,
              report.schemaVersion == key.schemaVersion else {
            return .ignored("report does not match its key")
        }
        DecodedMemo.shared.remember(report, for: stamp)
        return .valid(report)
    }

    struct Refusal: Error { let text: String }

    /// Header and report bytes of a trustworthy file written for our key; nil: no file.
    func readChecked() -> Result<(CacheHeader, Data), Refusal>? {
        switch openChecked() {
        case nil: return nil
        case .failure(let reason)?: return .failure(reason)
        case .success(let (file, info))?:
            defer { file.closeQuietly() }
            return readBody(file, size: Int(info.st_size))
        }
    }

    /// Opens without following a symlink and checks the open file itself (what is checked is what is read).
    private func openChecked() -> Result<(FileDescriptor, stat), Refusal>? {
        let file: FileDescriptor
        do { file = try FileDescriptor.open(path, .readOnly, options: [.noFollow, .nonBlocking]) } catch {
            if error == .noSuchFileOrDirectory { return nil }
            return .failure(Refusal(text: error == .tooManySymbolicLinkLevels ? "is a symlink" : "open: \(error.nameAndMessage)"))
        }
        var info = stat()
        var problem: String?
        if fstat(file.rawValue, &info) != 0 {
            problem = "fstat: \(Errno.current.nameAndMessage)"
        } else {
            problem = trustProblem(info, expectDirectory: false)
                ?? (info.st_size > Self.sizeLimit ? "larger than \(Self.sizeLimit) bytes" : nil)
        }
        if let problem {
            file.closeQuietly()
            return .failure(Refusal(text: problem))
        }
        return .success((file, info))
    }

    private func readBody(_ file: FileDescriptor, size: Int) -> Result<(CacheHeader, Data), Refusal> {
        var data = Data(count: size)
        var failure: Errno?
        let got = data.withUnsafeMutableBytes { buffer -> Int in
            var total = 0
            while total < size {
                // A buffer from a pointer, not a slice: Slice's metadata costs a fresh process a conformance scan.
                let rest = UnsafeMutableRawBufferPointer(start: buffer.baseAddress! + total, count: size - total)
                let n: Int
                do throws(Errno) { n = try withErrno { try file.read(into: rest) } } catch { failure = error; break }
                if n == 0 { break }
                total += n
            }
            return total
        }
        if let failure { return .failure(Refusal(text: "read: \(failure.nameAndMessage)")) }
        guard got == size else { return .failure(Refusal(text: "short read (\(got) of \(size) bytes)")) }
        guard let newline = data.firstIndex(of: 0x0A) else {
            return .failure(Refusal(text: "no cache header (corrupt or truncated)"))
        }
        guard let header = CacheHeader.parse([UInt8](data[..<newline]), for: key) else {
            return .failure(Refusal(text: "header not written for this key (another boot, kernel, tool or privilege) or corrupt"))
        }
        let body = data[(newline + 1)...]
        guard body.count == header.reportBytes else {
            return .failure(Refusal(text: "truncated (\(body.count) of \(header.reportBytes) report bytes)"))
        }
        return .success((header, Data(body)))
    }

    func write(_ report: Report) throws(CapabilityCacheError) {
        var stored = report
        stored.source = .probe
        var data: Data
        do {
            let body = try stored.jsonData(pretty: true)
            let header = CacheHeader(key: key, complete: CapabilityCache.isComplete(stored), reportBytes: body.count)
            data = Data((header.line + "\n").utf8)
            data.append(body)
        } catch {
            throw .probeFailed("cannot encode the report: \(error)")
        }
        let temporary = directory + "/." + key.fileStem + ".\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp"
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(temporary, .writeOnly, options: [.create, .exclusiveCreate, .noFollow],
                                           permissions: FilePermissions(rawValue: 0o644))
        } catch { throw .io(operation: "create", path: temporary, errno: error) }
        var failure: CapabilityCacheError?
        if fchmod(file.rawValue, 0o644) != 0 { failure = .io(operation: "fchmod", path: temporary, errno: .current) }
        if failure == nil {
            do { try file.write(all: [UInt8](data)) } catch { failure = .io(operation: "write", path: temporary, errno: error) }
        }
        if failure == nil, fsync(file.rawValue) != 0 { failure = .io(operation: "fsync", path: temporary, errno: .current) }
        file.closeQuietly()
        if failure == nil, rename(temporary, path) != 0 { failure = .io(operation: "rename", path: path, errno: .current) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        // The rename is durable only once the directory is synced.
        if let directoryFile = try? FileDescriptor.open(directory, .readOnly, options: .directory) {
            _ = fsync(directoryFile.rawValue)
            directoryFile.closeQuietly()
        }
    }
}
