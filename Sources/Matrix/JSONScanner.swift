import JSONText
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON syntax walker over raw bytes: callers descend into the objects they care about and skip the
/// rest. Strings are handed out as byte ranges and turned into Swift strings only when kept. Nesting is
/// bounded (adversarial "[[[[…" must not exhaust the stack).
struct JSONScanner {
    typealias Range = (start: Int, end: Int)

    let base: UnsafePointer<UInt8>
    let count: Int
    var at = 0
    var depth = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address; point at a static byte instead.
        base = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? JSONScanner.empty
        count = bytes.count
    }

    static let empty: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    func fail(_ what: StaticString) -> MalformedReportError {
        at >= count ? MalformedReportError("truncated JSON (\(what) expected at byte \(at))")
            : MalformedReportError("invalid JSON at byte \(at): \(what) expected")
    }

    @inline(__always)
    mutating func whitespace() {
        while at < count {
            let byte = base[at]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            at += 1
        }
    }

    @inline(__always)
    mutating func peek() -> UInt8? {
        whitespace()
        return at < count ? base[at] : nil
    }

    /// Inlined: compact JSON (what fleets send) needs no whitespace skipping, so the byte is usually right here.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: StaticString) throws {
        if at < count && base[at] == byte { at += 1; return }
        guard peek() == byte else { throw fail(what) }
        at += 1
    }

    /// After the document: only whitespace may follow.
    mutating func end() throws {
        guard peek() == nil else { throw MalformedReportError("trailing data at byte \(at)") }
    }

    /// Walks an object, handing each key's range to `member`, which must consume the value.
    mutating func object(_ member: (inout JSONScanner, Range) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "object")
        depth += 1
        guard depth <= LeanReportParser.maxDepth else { throw MalformedReportError("nested too deeply") }
        if peek() == UInt8(ascii: "}") { at += 1; depth -= 1; return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"), "':'")
            try member(&self, key)
            switch peek() {
            case UInt8(ascii: ","): at += 1
            case UInt8(ascii: "}"): at += 1; depth -= 1; return
            default: throw fail("',' or '}'")
            }
        }
    }

    /// Walks an array, calling `element` for each value, which must consume it.
    mutating func array(_ element: (inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "array")
        depth += 1
        guard depth <= LeanReportParser.maxDepth else { throw MalformedReportError("nested too deeply") }
        if peek() == UInt8(ascii: "]") { at += 1; depth -= 1; return }
        while true {
            try element(&self)
            switch peek() {
            case UInt8(ascii: ","): at += 1
            case UInt8(ascii: "]"): at += 1; depth -= 1; return
            default: throw fail("',' or ']'")
            }
        }
    }

    /// A string's raw bytes (between the quotes). Most of a report's bytes are inside strings, so they are
    /// scanned eight at a time for a quote or a backslash (SWAR: the lowest flagged byte of
    /// `(v - 0x01…) & ~v & 0x80…` is the first zero byte of v; little-endian loads).
    mutating func string() throws -> Range {
        try expect(UInt8(ascii: "\""), "string")
        let start = at
        var i = at
        while true {
            while i + 8 <= count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self).littleEndian
                let quote = word ^ 0x2222_2222_2222_2222, slash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let hit = ((quote &- 0x0101_0101_0101_0101) & ~quote | (slash &- 0x0101_0101_0101_0101) & ~slash)
                    & 0x8080_8080_8080_8080
                if hit != 0 { i += hit.trailingZeroBitCount >> 3; break }
                i += 8
            }
            guard i < count else {
                at = count
                throw fail("closing quote")
            }
            switch base[i] {
            case 0x22: at = i + 1; return (start, i)
            case 0x5C: i += 2
            default: i += 1
            }
        }
    }

    mutating func null() -> Bool {
        guard peek() == UInt8(ascii: "n"), at + 4 <= count, base[at + 1] == 0x75, base[at + 2] == 0x6C,
              base[at + 3] == 0x6C else { return false }
        at += 4
        return true
    }

    mutating func integer() throws -> Int {
        _ = peek()
        var value = 0, digits = 0
        let negative = at < count && base[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        while at < count, base[at] >= 0x30, base[at] <= 0x39 {
            guard value < 1_000_000_000 else { throw MalformedReportError("integer too large at byte \(at)") }
            value = value * 10 + Int(base[at] - 0x30)
            at += 1
            digits += 1
        }
        guard digits > 0 else { throw fail("integer") }
        if at < count, base[at] == UInt8(ascii: ".") || base[at] == UInt8(ascii: "e") || base[at] == UInt8(ascii: "E") {
            throw fail("integer")
        }
        return negative ? -value : value
    }

    /// Skips any value, checking its syntax. Iterative, with the open containers as bits of a word
    /// (1 = object), because evidence — most of a report — is skipped and recursion costs calls.
    mutating func skipValue() throws {
        var stack: UInt64 = 0
        var level = 0
        value: while true {
            guard let byte = peek() else { throw fail("value") }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = byte == UInt8(ascii: "{")
                at += 1
                if peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    at += 1
                } else {
                    guard depth + level < LeanReportParser.maxDepth else { throw MalformedReportError("nested too deeply") }
                    stack = stack << 1 | (isObject ? 1 : 0)
                    level += 1
                    if isObject { _ = try string(); try expect(UInt8(ascii: ":"), "':'") }
                    continue value
                }
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case let byte where byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39):
                at += 1
                while at < count, Self.isNumberByte(base[at]) { at += 1 }
            default:
                throw fail("value")
            }
            // After a value: a comma leads to the next one; closing brackets end containers.
            while level > 0 {
                let inObject = stack & 1 == 1
                switch peek() {
                case UInt8(ascii: ","):
                    at += 1
                    if inObject { _ = try string(); try expect(UInt8(ascii: ":"), "':'") }
                    continue value
                case UInt8(ascii: "}") where inObject, UInt8(ascii: "]") where !inObject:
                    at += 1
                    stack >>= 1
                    level -= 1
                default:
                    throw fail(inObject ? "',' or '}'" : "',' or ']'")
                }
            }
            return
        }
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2B || byte == 0x2E || byte == 0x65 || byte == 0x45
    }

    mutating func literal(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard at + length <= count, memcmp(base + at, word.utf8Start, length) == 0 else { throw fail(word) }
        at += length
    }

    // MARK: turning ranges into values

    /// Whether the string has escapes; checked only for the strings we read (not the ones skipped).
    func escaped(_ range: Range) -> Bool {
        memchr(base + range.start, 0x5C, range.end - range.start) != nil
    }

    /// Escapes only make the raw text longer, so a raw string of the key's length is compared as bytes and
    /// only a longer one with a backslash is decoded.
    func equals(_ range: Range, _ key: StaticString) -> Bool {
        let length = key.utf8CodeUnitCount, raw = range.end - range.start
        if raw == length { return memcmp(base + range.start, key.utf8Start, length) == 0 }
        return raw > length && escaped(range) && text(range, limit: length * 6 + 1) == "\(key)"
    }

    func equals(_ range: Range, _ key: [UInt8]) -> Bool {
        let raw = range.end - range.start
        if raw == key.count {
            return key.withUnsafeBufferPointer { memcmp(base + range.start, $0.baseAddress!, key.count) == 0 }
        }
        return raw > key.count && escaped(range) && Array(text(range, limit: key.count * 6 + 1).utf8) == key
    }

    /// The string's value, cut to `limit` bytes of its raw form (enough for names and error messages).
    func text(_ range: Range, limit: Int) -> String {
        let end = min(range.end, range.start + limit)
        let raw = UnsafeBufferPointer(start: base + range.start, count: end - range.start)
        let value = escaped(range) ? JSONEscapes.decode(raw, strict: false)! : String(decoding: raw, as: UTF8.self)
        return Self.printable(value)
    }

    /// Control characters (C0, DEL, C1) become U+FFFD: kept strings end up in terminals (an ESC could
    /// repaint one) and in XHTML (where they are not allowed).
    static func printable(_ text: String) -> String {
        func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0) }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "\u{FFFD}" : $0 }))
    }

    /// A string the audit keeps (a group key): longer than `maxKeptString` is malformed, not truncated,
    /// so two different hosts never merge into one group by accident.
    mutating func keptString(_ field: String) throws -> String {
        let range = try string()
        guard range.end - range.start <= LeanReportParser.maxKeptString else {
            throw MalformedReportError("\(field) longer than \(LeanReportParser.maxKeptString) bytes")
        }
        return text(range, limit: LeanReportParser.maxKeptString)
    }

    mutating func optionalKeptString(_ field: String) throws -> String? {
        null() ? nil : try keptString(field)
    }
}
