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

    func fail(_ what: String) -> MalformedReportError {
        at >= count ? MalformedReportError("truncated JSON (\(what) expected at byte \(at))")
            : MalformedReportError("invalid JSON at byte \(at): \(what) expected")
    }

    mutating func whitespace() {
        while at < count {
            let byte = base[at]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            at += 1
        }
    }

    mutating func peek() -> UInt8? {
        whitespace()
        return at < count ? base[at] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
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

    /// A string's raw bytes (between the quotes). memchr finds the closing quote fast; a quote preceded
    /// by an odd number of backslashes is escaped.
    mutating func string() throws -> Range {
        try expect(UInt8(ascii: "\""), "string")
        let start = at
        while true {
            guard at < count, let found = memchr(base + at, 0x22, count - at) else {
                at = count
                throw fail("closing quote")
            }
            let quote = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            var slashes = 0
            while quote - slashes - 1 >= start && base[quote - slashes - 1] == 0x5C { slashes += 1 }
            at = quote + 1
            if slashes % 2 == 0 { return (start, quote) }
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

    /// Skips any value, checking its syntax.
    mutating func skipValue() throws {
        switch peek() {
        case UInt8(ascii: "{")?:
            try object { scanner, _ in try scanner.skipValue() }
        case UInt8(ascii: "[")?:
            at += 1
            depth += 1
            guard depth <= LeanReportParser.maxDepth else { throw MalformedReportError("nested too deeply") }
            if peek() == UInt8(ascii: "]") { at += 1; depth -= 1; return }
            while true {
                try skipValue()
                switch peek() {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "]"): at += 1; depth -= 1; return
                default: throw fail("',' or ']'")
                }
            }
        case UInt8(ascii: "\"")?:
            _ = try string()
        case UInt8(ascii: "t")?: try literal("true")
        case UInt8(ascii: "f")?: try literal("false")
        case UInt8(ascii: "n")?: try literal("null")
        case let byte? where byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39):
            let start = at
            while at < count, Self.isNumberByte(base[at]) { at += 1 }
            guard at > start else { throw fail("number") }
        default:
            throw fail("value")
        }
    }

    static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2B || byte == 0x2E || byte == 0x65 || byte == 0x45
    }

    mutating func literal(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard at + length <= count, memcmp(base + at, word.utf8Start, length) == 0 else { throw fail("\(word)") }
        at += length
    }

    // MARK: turning ranges into values

    /// Whether the string has escapes; checked only for the strings we read (not the ones skipped).
    func escaped(_ range: Range) -> Bool {
        memchr(base + range.start, 0x5C, range.end - range.start) != nil
    }

    func equals(_ range: Range, _ key: StaticString) -> Bool {
        let length = key.utf8CodeUnitCount
        if escaped(range) { return text(range, limit: length * 6 + 1) == "\(key)" }
        return range.end - range.start == length && memcmp(base + range.start, key.utf8Start, length) == 0
    }

    func equals(_ range: Range, _ key: [UInt8]) -> Bool {
        if escaped(range) { return Array(text(range, limit: key.count * 6 + 1).utf8) == key }
        return range.end - range.start == key.count
            && key.withUnsafeBufferPointer { memcmp(base + range.start, $0.baseAddress!, key.count) == 0 }
    }

    /// The string's value, cut to `limit` bytes of its raw form (enough for names and error messages).
    func text(_ range: Range, limit: Int) -> String {
        let end = min(range.end, range.start + limit)
        let raw = UnsafeBufferPointer(start: base + range.start, count: end - range.start)
        let value = escaped(range) ? JSONUnescape.unescape(raw) : String(decoding: raw, as: UTF8.self)
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
