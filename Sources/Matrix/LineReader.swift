#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines with a fixed buffer: a line longer than `maxLineBytes` is reported as
/// overlong and skipped without ever being held whole. The caller supplies the reads (the CLI's I/O), so
/// the splitting itself is tested in memory.
public struct LineReader {
    public enum Line {
        case text(UnsafeRawBufferPointer, number: Int)
        case overlong(number: Int)
    }

    public let maxLineBytes: Int

    public init(maxLineBytes: Int = 1 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// Calls `read` to fill the buffer (it returns the byte count, 0 at the end, < 0 on error, which ends
    /// the stream and is returned) and `line` for each line, blank lines excepted.
    @discardableResult
    public func run(read: (UnsafeMutableRawBufferPointer) -> Int, line: (Line) -> Void) -> Int {
        let capacity = maxLineBytes + 1 + 256 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        let base = buffer.baseAddress!
        var start = 0, end = 0, number = 0
        var discarding = false
        var scanned = 0
        func emit(_ from: Int, _ to: Int) {
            number += 1
            var stop = to
            if stop > from, base.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0D { stop -= 1 }
            if discarding { discarding = false; line(.overlong(number: number)); return }
            if stop - from > maxLineBytes { line(.overlong(number: number)); return }
            if !Self.isBlank(UnsafeRawBufferPointer(start: base + from, count: stop - from)) {
                line(.text(UnsafeRawBufferPointer(start: base + from, count: stop - from), number: number))
            }
        }
        while true {
            while let found = memchr(base + scanned, 0x0A, end - scanned) {
                let newline = found - base
                emit(start, newline)
                start = newline + 1
                scanned = start
            }
            scanned = end
            if end - start > maxLineBytes {
                // Too long already: keep nothing of it, just wait for its end.
                discarding = true
                start = end
                scanned = end
            }
            if start > 0 {
                memmove(base, base + start, end - start)
                end -= start
                scanned -= start
                start = 0
            }
            let n = read(UnsafeMutableRawBufferPointer(start: base + end, count: capacity - end))
            if n <= 0 {
                if end > start || discarding { emit(start, end) }
                return n
            }
            end += n
        }
    }

    static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
