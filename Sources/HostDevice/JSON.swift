import JSONText

/// A JSON value with object keys kept in order, so that a prevResult or an IPAM result passes through
/// unchanged. Hand-written (no Foundation): the plugin starts in a few milliseconds.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)   // kept as written: CNI passes numbers through, never computes with them
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last { $0.0 == key }?.1
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var isObject: Bool { if case .object = self { return true } else { return false } }
    public var int: Int? { if case .number(let n) = self { return Int(n) } else { return nil } }

    /// Sets or replaces a key of an object (appended when new).
    public mutating func set(_ key: String, _ value: JSON?) {
        guard case .object(var pairs) = self else { return }
        pairs.removeAll { $0.0 == key }
        if let value { pairs.append((key, value)) }
        self = .object(pairs)
    }

    public static func object(_ pairs: KeyValuePairs<String, JSON?>) -> JSON {
        .object(pairs.compactMap { key, value in value.map { (key, $0) } })
    }
}

// MARK: - Writing

extension JSON {
    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSON.quote(key, into: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        // Most strings (names, paths, ids) need no escape: appended whole, not scalar by scalar (the state
        // records written twice per ADD spent about 0.3 M instructions here, callgrind).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

// MARK: - Reading

public struct JSONError: Error, CustomStringConvertible, Sendable {
    public let offset: Int
    public let reason: String
    public var description: String { "\(reason) at byte \(offset)" }
}

/// RFC 8259, strictly: the grammar's numbers only (no `+1`, `.5`, `01`, `1.`), the spec's escapes only (no
/// `\q`), UTF-8 only, no lone surrogates, no control characters in strings. Where the RFC leaves the
/// choice to the reader: duplicate keys are refused (readers disagree on which one wins, so a config
/// could mean one device to libcni and another here), nesting stops at `maximumDepth`, numbers are kept as
/// written, however long (the plugin never computes with them; the input size is bounded instead).
extension JSON {
    public static let maximumDepth = 128

    public static func parse(_ bytes: [UInt8]) throws -> JSON {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.at == bytes.count else { throw parser.fail("unexpected data after the JSON value") }
        return value
    }

    public static func parse(_ text: String) throws -> JSON { try parse(Array(text.utf8)) }

    struct Parser {
        let bytes: [UInt8]
        var at = 0

        func fail(_ reason: String) -> JSONError { JSONError(offset: at, reason: reason) }

        var next: UInt8? { at < bytes.count ? bytes[at] : nil }

        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (0x30...0x39).contains($0) } ?? false }

        mutating func skipSpace() {
            while let byte = next, byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 { at += 1 }
        }

        mutating func literal(_ word: String, _ value: JSON) throws -> JSON {
            let w = Array(word.utf8)
            guard at + w.count <= bytes.count, Array(bytes[at..<at + w.count]) == w else { throw fail("invalid literal") }
            at += w.count
            return value
        }

        mutating func value(depth: Int) throws -> JSON {
            guard depth < JSON.maximumDepth else { throw fail("nested deeper than \(JSON.maximumDepth) levels") }
            guard let byte = next else { throw fail("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "{"):
                at += 1
                var pairs: [(String, JSON)] = []
                var keys = Set<String>()
                skipSpace()
                if next == UInt8(ascii: "}") { at += 1; return .object(pairs) }
                while true {
                    skipSpace()
                    guard next == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    let keyOffset = at
                    let key = try string()
                    guard keys.insert(key).inserted else {
                        throw JSONError(offset: keyOffset, reason: "duplicate key \(InputCheck.shown(key))")
                    }
                    skipSpace()
                    guard next == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    at += 1
                    skipSpace()
                    pairs.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard let separator = next else { throw fail("unexpected end of input") }
                    if separator == UInt8(ascii: ",") { at += 1; continue }
                    if separator == UInt8(ascii: "}") { at += 1; return .object(pairs) }
                    throw fail("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                at += 1
                var items: [JSON] = []
                skipSpace()
                if next == UInt8(ascii: "]") { at += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard let separator = next else { throw fail("unexpected end of input") }
                    if separator == UInt8(ascii: ",") { at += 1; continue }
                    if separator == UInt8(ascii: "]") { at += 1; return .array(items) }
                    throw fail("expected ',' or ']'")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return try number()
            }
        }

        /// number = [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT ]
        mutating func number() throws -> JSON {
            let start = at
            if next == UInt8(ascii: "-") { at += 1 }
            guard isDigit(next) else { at = start; throw fail("invalid value") }
            if next == UInt8(ascii: "0") { at += 1 } else { while isDigit(next) { at += 1 } }
            if next == UInt8(ascii: ".") {
                at += 1
                guard isDigit(next) else { throw fail("a digit must follow the decimal point") }
                while isDigit(next) { at += 1 }
            }
            if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
                at += 1
                if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { at += 1 }
                guard isDigit(next) else { throw fail("a digit must follow the exponent") }
                while isDigit(next) { at += 1 }
            }
            return .number(String(decoding: bytes[start..<at], as: UTF8.self))
        }

        mutating func string() throws -> String {
            let open = at
            at += 1
            let start = at
            var escaped = false
            while let byte = next {
                switch byte {
                case UInt8(ascii: "\""):
                    let body = bytes[start..<at]
                    at += 1
                    guard String(validating: body, as: UTF8.self) != nil else {
                        throw JSONError(offset: open, reason: "a string is not valid UTF-8")
                    }
                    guard escaped else { return String(decoding: body, as: UTF8.self) }
                    // The escapes were checked while scanning; the shared decoder only translates them.
                    guard let text = body.withUnsafeBufferPointer({ JSONEscapes.decode($0, strict: true) }) else {
                        throw JSONError(offset: open, reason: "invalid escape")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    escaped = true
                    try escape()
                case 0..<0x20: throw fail("control character in a string")
                default: at += 1
                }
            }
            throw fail("unterminated string")
        }

        /// One escape at `at` (the backslash): \" \\ \/ \b \f \n \r \t or \uXXXX, a high surrogate only
        /// with its low one.
        mutating func escape() throws {
            guard at + 1 < bytes.count else { throw fail("unterminated string") }
            switch bytes[at + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                at += 2
            case UInt8(ascii: "u"):
                let unit = try hex4(at + 2)
                if (0xDC00..<0xE000).contains(unit) { throw fail("lone low surrogate") }
                at += 6
                if (0xD800..<0xDC00).contains(unit) {
                    guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u"),
                          (0xDC00..<0xE000).contains(try hex4(at + 2)) else { throw fail("lone high surrogate") }
                    at += 6
                }
            default:
                throw fail("invalid escape \\\(String(decoding: [bytes[at + 1]], as: UTF8.self))")
            }
        }

        func hex4(_ offset: Int) throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw fail("truncated \\u escape") }
            guard let value = bytes.withUnsafeBufferPointer({ JSONEscapes.hex4($0, at: offset) }) else {
                throw fail("invalid \\u escape")
            }
            return value
        }
    }
}
