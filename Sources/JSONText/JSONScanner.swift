import Glibc

/// Why bytes are not the JSON a reader wants; the text names the first problem and where it is.
public struct JSONError: Error, Equatable, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// A value written by others, quoted for a message: cut at 64 bytes (with its length said), so that a
    /// message stays one readable line whatever the input holds.
    public static func shown(_ value: String) -> String {
        let limit = 64
        guard value.utf8.count > limit else { return "\"\(value)\"" }
        return "\"\(String(decoding: value.utf8.prefix(limit), as: UTF8.self))…\" (\(value.utf8.count) bytes)"
    }
}

/// The one reader of JSON written by others: the report reader (Capabilities), the audit's node lists
/// (Matrix) and the plugin's configuration, prevResult, IPAM result and state files (HostDevice's `JSON`
/// tree is built on it). A strict RFC 8259 walker over raw bytes: callers descend into what they care about
/// and skip the rest, and every byte is checked on the way — string escapes, control characters, UTF-8,
/// number syntax, literals — so that what a reader accepts without building it is JSON any decoder would
/// take. Strings are handed out as byte ranges and turned into Swift strings only when kept.
///
/// Where RFC 8259 leaves limits to the reader, one set for every document (docs/design.md, "One JSON
/// reader"): nesting at most `maxDepth`, a number at most `maxNumberLength` bytes as written. The length of
/// a document is bounded where it is read, by its source (stdin, a state file, a report, a node list).
/// Duplicate keys are the caller's to refuse: it knows which keys it compares.
public struct JSONScanner {
    public typealias Range = (start: Int, end: Int)

    /// Ten times as deep as any document linkcaps reads (a report is six levels deep, a CNI prevResult
    /// five), bounded so that adversarial "[[[[…" cannot exhaust a stack, and what `skipValue` tracks in
    /// one 64-bit word. JSONDecoder allows 512.
    public static let maxDepth = 64

    /// The longest number, as written: 64 bytes hold any Int64 or Double written in full (Double's 17
    /// significant digits with sign, point and exponent), and let `number()` hand strtod a terminated
    /// copy on the stack. Longer is refused, not truncated: no writer linkcaps reads makes one.
    public static let maxNumberLength = 64

    /// Indexed directly, without a Slice: release builds read it unchecked, as fast as the raw base pointer and count it replaced (0.97× to 1.04× of their speed
    /// on the readers and audits of Benchmarks/README.md, issue 18), and debug builds, where the tests run,
    /// check every index.
    let bytes: UnsafeBufferPointer<UInt8>
    var count: Int { bytes.count }
    public var at = 0
    var depth = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address; point at a static byte instead, so that the C calls
        // (memcmp, memchr) always get one.
        self.bytes = UnsafeBufferPointer(start: bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? JSONScanner.empty,
                                         count: bytes.count)
    }

    // A byte that is never written; `nonisolated(unsafe)` is safe because it is only read.
    nonisolated(unsafe) static let empty: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    public func fail(_ what: StaticString) -> JSONError {
        at >= count ? JSONError("truncated JSON (\(what) expected at byte \(at))")
            : JSONError("invalid JSON at byte \(at): \(what) expected")
    }

    @inline(__always)
    mutating func whitespace() {
        while at < count {
            let byte = bytes[at]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            at += 1
        }
    }

    @inline(__always)
    public mutating func peek() -> UInt8? {
        whitespace()
        return at < count ? bytes[at] : nil
    }

    /// Inlined: compact JSON (what fleets send) needs no whitespace skipping, so the byte is usually right here.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: StaticString) throws(JSONError) {
        if at < count && bytes[at] == byte { at += 1; return }
        guard peek() == byte else { throw fail(what) }
        at += 1
    }

    /// After the document: only whitespace may follow.
    public mutating func end() throws(JSONError) {
        guard peek() == nil else { throw JSONError("trailing data at byte \(at)") }
    }

    // MARK: containers, step by step

    /// Consumes `{`; false when the object is empty (its `}` consumed too).
    public mutating func enterObject() throws(JSONError) -> Bool {
        try expect(UInt8(ascii: "{"), "object")
        return try entered(UInt8(ascii: "}"))
    }

    /// Consumes `[`; false when the array is empty (its `]` consumed too).
    public mutating func enterArray() throws(JSONError) -> Bool {
        try expect(UInt8(ascii: "["), "array")
        return try entered(UInt8(ascii: "]"))
    }

    private mutating func entered(_ close: UInt8) throws(JSONError) -> Bool {
        depth += 1
        guard depth <= Self.maxDepth else { throw JSONError("nested too deeply") }
        if peek() == close { at += 1; depth -= 1; return false }
        return true
    }

    /// A member's key and its colon.
    public mutating func key() throws(JSONError) -> Range {
        let key = try string()
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// After a member's value: true when another member follows, false at the object's end.
    public mutating func nextMember() throws(JSONError) -> Bool {
        try next(UInt8(ascii: "}"), "',' or '}'")
    }

    /// After an element: true when another element follows, false at the array's end.
    public mutating func nextElement() throws(JSONError) -> Bool {
        try next(UInt8(ascii: "]"), "',' or ']'")
    }

    private mutating func next(_ close: UInt8, _ what: StaticString) throws(JSONError) -> Bool {
        switch peek() {
        case UInt8(ascii: ","): at += 1; return true
        case close: at += 1; depth -= 1; return false
        default: throw fail(what)
        }
    }

    /// Walks an object, handing each key's range to `member`, which must consume the value.
    public mutating func object(_ member: (inout JSONScanner, Range) throws -> Void) throws {
        guard try enterObject() else { return }
        repeat { try member(&self, try key()) } while try nextMember()
    }

    /// Walks an array, calling `element` for each value, which must consume it.
    public mutating func array(_ element: (inout JSONScanner) throws -> Void) throws {
        guard try enterArray() else { return }
        repeat { try element(&self) } while try nextElement()
    }

    // MARK: scalars

    /// A string's raw bytes (between the quotes), checked: no control characters, valid escapes (surrogates
    /// in pairs), valid UTF-8. One byte at a time: scanning eight at a time (SWAR) made the lean read of a
    /// report 1.09×, the audit of a large node list 1.04× and of a fleet's reports 1.13× faster, side by
    /// side (Benchmarks/README.md, issue 18), short of the 1.15× its complexity had to pay for.
    public mutating func string() throws(JSONError) -> Range {
        try expect(UInt8(ascii: "\""), "string")
        let start = at
        var i = at
        while true {
            guard i < count else {
                at = count
                throw fail("closing quote")
            }
            let byte = bytes[i]
            switch byte {
            case 0x22:
                at = i + 1
                return (start, i)
            case 0x5C:
                i = try escape(at: i)
            case 0x00..<0x20:
                at = i
                throw JSONError("invalid JSON at byte \(i): control character in a string")
            case 0x80...:
                i = try utf8Sequence(at: i)
            default:
                i += 1
            }
        }
    }

    /// Checks the escape at `i` (a backslash); returns the index after it.
    private mutating func escape(at i: Int) throws(JSONError) -> Int {
        guard i + 1 < count else { at = count; throw fail("escape") }
        switch bytes[i + 1] {
        case 0x22, 0x5C, 0x2F, UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i + 2
        case UInt8(ascii: "u"):
            guard let unit = hex4(at: i + 2) else { at = i; throw JSONError("invalid JSON at byte \(i): bad \\u escape") }
            if (0xDC00..<0xE000).contains(unit) {
                at = i
                throw JSONError("invalid JSON at byte \(i): unpaired surrogate")
            }
            guard (0xD800..<0xDC00).contains(unit) else { return i + 6 }
            guard i + 7 < count, bytes[i + 6] == 0x5C, bytes[i + 7] == UInt8(ascii: "u"), let low = hex4(at: i + 8),
                  (0xDC00..<0xE000).contains(low) else {
                at = i
                throw JSONError("invalid JSON at byte \(i): unpaired surrogate")
            }
            return i + 12
        default:
            at = i
            throw JSONError("invalid JSON at byte \(i): unknown escape")
        }
    }

    private func hex4(at i: Int) -> UInt32? {
        JSONEscapes.hex4(bytes, at: i)
    }

    /// Checks the UTF-8 sequence starting at `i` (a byte ≥ 0x80): no overlong forms, no surrogates, nothing
    /// past U+10FFFF. Returns the index after it.
    private mutating func utf8Sequence(at i: Int) throws(JSONError) -> Int {
        let lead = bytes[i]
        let length: Int, low: UInt8, high: UInt8  // the allowed range of the second byte
        switch lead {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: at = i; throw JSONError("invalid JSON at byte \(i): not UTF-8")
        }
        guard i + length <= count, bytes[i + 1] >= low, bytes[i + 1] <= high else {
            at = i
            throw JSONError("invalid JSON at byte \(i): not UTF-8")
        }
        for j in (i + 2)..<(i + length) where bytes[j] & 0xC0 != 0x80 {
            at = i
            throw JSONError("invalid JSON at byte \(i): not UTF-8")
        }
        return i + length
    }

    /// Consumes `null` if it comes next.
    public mutating func null() -> Bool {
        guard peek() == UInt8(ascii: "n"), at + 4 <= count, bytes[at + 1] == 0x75, bytes[at + 2] == 0x6C,
              bytes[at + 3] == 0x6C else { return false }
        at += 4
        return true
    }

    public mutating func bool() throws(JSONError) -> Bool {
        switch peek() {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw fail("true or false")
        }
    }

    /// An integer written as one (no fraction or exponent), within `range`.
    public mutating func integer(in range: ClosedRange<Int> = -1_000_000_000...1_000_000_000) throws(JSONError) -> Int {
        _ = peek()
        let start = at
        let negative = at < count && bytes[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        var value = 0, digits = 0
        while at < count, bytes[at] >= 0x30, bytes[at] <= 0x39 {
            if digits == 1 && value == 0 { throw JSONError("invalid JSON at byte \(start): leading zero") }
            value = value * 10 + Int(bytes[at] - 0x30)
            at += 1
            digits += 1
            guard value <= Swift.max(range.upperBound, -range.lowerBound) else {
                throw JSONError("integer out of range at byte \(start)")
            }
        }
        guard digits > 0 else { throw fail("integer") }
        if at < count, bytes[at] == UInt8(ascii: ".") || bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            throw fail("integer")
        }
        let result = negative ? -value : value
        guard range.contains(result) else { throw JSONError("integer out of range at byte \(start)") }
        return result
    }

    /// A number (RFC 8259 grammar) whose value is finite as a Double.
    public mutating func number() throws(JSONError) -> Double {
        let range = try numberRange()
        // strtod needs a terminated string: the longest number and a zero byte, on the stack.
        var text = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let value = withUnsafeMutableBytes(of: &text) { buffer -> Double in
            buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + range.start, byteCount: range.end - range.start)
            return strtod(buffer.baseAddress!.assumingMemoryBound(to: CChar.self), nil)
        }
        guard value.isFinite else { throw JSONError("number out of range at byte \(range.start)") }
        return value
    }

    /// A number whose value is finite as a Double, without building it: only an exponent can take it past
    /// Double's range.
    public mutating func finiteNumber() throws(JSONError) {
        _ = peek()
        let start = at
        guard try numberSyntax() else {
            guard at - start <= Self.maxNumberLength else { throw JSONError("number too long at byte \(start)") }
            return
        }
        at = start
        _ = try number()
    }

    /// A number exactly as written (for readers that pass numbers on rather than compute with them).
    public mutating func numberText() throws(JSONError) -> String {
        let range = try numberRange()
        return String(decoding: UnsafeBufferPointer(start: bytes.baseAddress! + range.start, count: range.end - range.start), as: UTF8.self)
    }

    /// The bytes of a number, checked against the grammar and `maxNumberLength`.
    mutating func numberRange() throws(JSONError) -> Range {
        _ = peek()
        let start = at
        try numberSyntax()
        guard at - start <= Self.maxNumberLength else { throw JSONError("number too long at byte \(start)") }
        return (start, at)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; true when it has an exponent.
    @discardableResult
    mutating func numberSyntax() throws(JSONError) -> Bool {
        if at < count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < count, isDigit(bytes[at]) else { throw fail("number") }
        if bytes[at] == 0x30 {
            at += 1
        } else {
            while at < count, isDigit(bytes[at]) { at += 1 }
        }
        if at < count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard at < count, isDigit(bytes[at]) else { throw fail("digit after the decimal point") }
            while at < count, isDigit(bytes[at]) { at += 1 }
        }
        if at < count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < count, isDigit(bytes[at]) else { throw fail("digit of the exponent") }
            while at < count, isDigit(bytes[at]) { at += 1 }
            return true
        }
        return false
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Skips any value, checking its syntax. Iterative, with the open containers as bits of a word
    /// (1 = object), because unknown members can be deep and recursion costs calls.
    public mutating func skipValue() throws(JSONError) {
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
                    guard depth + level < Self.maxDepth else { throw JSONError("nested too deeply") }
                    stack = stack << 1 | (isObject ? 1 : 0)
                    level += 1
                    if isObject { _ = try key() }
                    continue value
                }
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), 0x30...0x39:
                try numberSyntax()
            default:
                throw fail("value")
            }
            // After a value: a comma leads to the next one; closing brackets end containers.
            while level > 0 {
                let inObject = stack & 1 == 1
                switch peek() {
                case UInt8(ascii: ","):
                    at += 1
                    if inObject { _ = try key() }
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

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let length = word.utf8CodeUnitCount
        guard at + length <= count, memcmp(bytes.baseAddress! + at, word.utf8Start, length) == 0 else { throw fail(word) }
        at += length
    }

    // MARK: turning ranges into values

    /// Whether the string has escapes; checked only for the strings we read (not the ones skipped).
    public func escaped(_ range: Range) -> Bool {
        memchr(bytes.baseAddress! + range.start, 0x5C, range.end - range.start) != nil
    }

    /// Escapes only make the raw text longer, so a raw string of the key's length is compared as bytes and
    /// only a longer one with a backslash is decoded.
    public func equals(_ range: Range, _ key: StaticString) -> Bool {
        equals(range, UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    public func equals(_ range: Range, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = range.end - range.start
        if raw == key.count { return key.isEmpty || memcmp(bytes.baseAddress! + range.start, key.baseAddress!, key.count) == 0 }
        guard raw > key.count else { return false }
        // A longer raw string equals the key only through an escape, which must sit where the two first differ.
        var i = 0
        while i < key.count && bytes[range.start + i] == key[i] { i += 1 }
        return i < key.count && bytes[range.start + i] == 0x5C && value(range).utf8.elementsEqual(key)
    }

    /// Whether two strings of the document are the same text (escapes decoded where there are any).
    public func sameString(_ a: Range, _ b: Range) -> Bool {
        let length = a.end - a.start
        if length == b.end - b.start, memcmp(bytes.baseAddress! + a.start, bytes.baseAddress! + b.start, length) == 0 { return true }
        return (escaped(a) || escaped(b)) && value(a) == value(b)
    }

    public func equals(_ range: Range, _ key: [UInt8]) -> Bool {
        key.withUnsafeBufferPointer { equals(range, $0) }
    }

    /// The string's value, exactly as a JSON decoder gives it (the range was checked by `string()`).
    public func value(_ range: Range) -> String {
        let raw = UnsafeBufferPointer(start: bytes.baseAddress! + range.start, count: range.end - range.start)
        return escaped(range) ? JSONEscapes.decode(raw, strict: true)! : String(decoding: raw, as: UTF8.self)
    }

    /// The string's value cut to `limit` bytes of its raw form, made printable: for messages and names shown
    /// to people, never for values compared or kept.
    public func text(_ range: Range, limit: Int) -> String {
        let end = min(range.end, range.start + limit)
        let raw = UnsafeBufferPointer(start: bytes.baseAddress! + range.start, count: end - range.start)
        let value = escaped(range) ? JSONEscapes.decode(raw, strict: false)! : String(decoding: raw, as: UTF8.self)
        return Self.printable(value)
    }

    /// Control characters (C0, DEL, C1) become U+FFFD: text from others ends up in terminals (an ESC could
    /// repaint one) and in XHTML (where they are not allowed).
    public static func printable(_ text: String) -> String {
        func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0) }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "\u{FFFD}" : $0 }))
    }
}
