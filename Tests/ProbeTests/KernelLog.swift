import Glibc

/// The kernel log from a point on, read from /dev/kmsg: one record per read(2), "PRI,SEQ,USEC,FLAGS;TEXT"
/// (continuation lines after it start with a space). Opened at the log's current end, so it yields only
/// what the kernel prints from then on.
struct KernelLog {
    struct Line: Equatable, CustomStringConvertible {
        /// syslog priority's level: 0 emergency … 4 warning … 6 info, 7 debug.
        var level: Int
        var text: String
        var description: String { "<\(level)> \(text)" }
    }

    private let fd: Int32

    init() throws(KernelLogError) {
        fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw KernelLogError(operation: "open /dev/kmsg", code: errno) }
        guard lseek(fd, 0, SEEK_END) >= 0 else {
            let code = errno
            Glibc.close(fd)
            throw KernelLogError(operation: "lseek /dev/kmsg to its end", code: code)
        }
    }

    /// Every record printed since `init` or the last call. EPIPE means records were overwritten before
    /// they were read: reading goes on at the oldest one left.
    mutating func newLines() throws(KernelLogError) -> [Line] {
        var lines: [Line] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                switch errno {
                case EAGAIN: return lines
                case EINTR, EPIPE: continue
                default: throw KernelLogError(operation: "read /dev/kmsg", code: errno)
                }
            }
            if count == 0 { return lines }
            if let line = Self.parse(buffer[0..<count]) { lines.append(line) }
        }
    }

    static func parse(_ record: ArraySlice<UInt8>) -> Line? {
        guard let semicolon = record.firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let prefix = String(decoding: record[record.startIndex..<semicolon], as: UTF8.self)
        guard let priority = prefix.split(separator: ",").first.flatMap({ Int($0) }) else { return nil }
        let rest = record[(semicolon + 1)...]
        let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
        return Line(level: priority & 7, text: String(decoding: rest[rest.startIndex..<end], as: UTF8.self))
    }

    func close() { Glibc.close(fd) }
}

struct KernelLogError: Error, CustomStringConvertible {
    var operation: String
    var code: Int32
    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// What of the kernel's log counts against a probe: a line at warning level or worse naming one of the
/// probe's links, or any other line naming them but the info-level notice every kernel prints on a rename
/// (`lcf0: renamed from lcp0`, " (while UP)" since v6.2), which the experiments cannot avoid: the
/// rename is the question. Lines naming none of its links are other programs' (other tests run links of
/// their own at the same time) and are not held against it.
enum ProbeTrace {
    /// The lab's links and their veth peers (`Sources/Probe/Lab.swift`); `lckN[p]` are the kind choice's.
    static let names = ["lcp0", "lcf0", "lcq0", "lcp0p", "lcf0p", "lcq0p", "lc-probe-altname0"]

    static func namesAProbeLink(_ text: String) -> Bool {
        let words = text.split { !($0.isLetter || $0.isNumber || $0 == "-") }
        return words.contains { word in
            names.contains(String(word)) || (word.hasPrefix("lck") && word.dropFirst(3).allSatisfy { $0.isNumber || $0 == "p" }
                                               && word.count > 3)
        }
    }

    static func isRenameNotice(_ line: KernelLog.Line) -> Bool {
        line.level >= 6 && (line.text == "lcf0: renamed from lcp0" || line.text == "lcf0: renamed from lcp0 (while UP)")
    }

    static func problems(in lines: [KernelLog.Line]) -> [KernelLog.Line] {
        lines.filter { namesAProbeLink($0.text) && !isRenameNotice($0) }
    }
}
