/// A JSON value with object keys kept in order, so that a prevResult or an IPAM result passes through
/// unchanged: what the plugin reads from others (configuration, prevResult, IPAM result, its state files)
/// and writes back, and the observations scripts/observe assembles (whose capability order is the
/// witness's). Read by the scanner, the one reader of JSON written by others.
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

    /// Indented two spaces a level, one member or element a line, `"key": value`: the layout of jq's
    /// output, in which the committed observations were first written, so that rewriting one changes only
    /// what changed: strings escaped as jq does (\\b, \\f, and DEL as \\u007f).
    public var prettyText: String {
        var out = ""
        writePretty(into: &out, indent: 0)
        return out + "\n"
    }

    func writePretty(into out: inout String, indent: Int) {
        func newline(_ level: Int) { out += "\n" + String(repeating: " ", count: 2 * level) }
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "["
            for (i, item) in items.enumerated() {
                out += i > 0 ? "," : ""
                newline(indent + 1)
                item.writePretty(into: &out, indent: indent + 1)
            }
            newline(indent)
            out += "]"
        case .object(let pairs) where !pairs.isEmpty:
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                out += i > 0 ? "," : ""
                newline(indent + 1)
                JSON.quote(key, into: &out, jqEscapes: true)
                out += ": "
                value.writePretty(into: &out, indent: indent + 1)
            }
            newline(indent)
            out += "}"
        case .string(let s): JSON.quote(s, into: &out, jqEscapes: true)
        default: write(into: &out)
        }
    }

    static func quote(_ s: String, into out: inout String, jqEscapes: Bool = false) {
        out += "\""
        // Most strings (names, paths, ids) need no escape: appended whole, not scalar by scalar (the state
        // records written twice per ADD spent about 0.3 M instructions here, callgrind).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || (jqEscapes && $0 == 0x7F) }) {
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
            case "\u{08}" where jqEscapes: out += "\\b"
            case "\u{0C}" where jqEscapes: out += "\\f"
            case _ where scalar.value < 0x20 || (jqEscapes && scalar.value == 0x7F):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

// MARK: - Reading

/// Read with JSONScanner, so with its grammar and limits (RFC 8259 strictly; nesting at most
/// `JSONScanner.maxDepth`, numbers at most `JSONScanner.maxNumberLength` bytes, kept as written: the plugin
/// passes them on and never computes with them). Duplicate keys are refused: readers disagree on which one
/// wins, so a config could mean one device to libcni and another here.
extension JSON {
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSON {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONError) -> JSON in
                var scanner = JSONScanner(buffer)
                let value = try read(&scanner)
                try scanner.end()
                return value
            }
        }.get()
    }

    public static func parse(_ text: String) throws(JSONError) -> JSON { try parse(Array(text.utf8)) }

    /// Recursion is bounded by the scanner's depth limit.
    static func read(_ scanner: inout JSONScanner) throws(JSONError) -> JSON {
        switch scanner.peek() {
        case UInt8(ascii: "{"):
            var pairs: [(String, JSON)] = []
            guard try scanner.enterObject() else { return .object(pairs) }
            var keys = Set<String>()
            repeat {
                _ = scanner.peek()
                let offset = scanner.at
                let key = scanner.value(try scanner.key())
                guard keys.insert(key).inserted else { throw JSONError("duplicate key \(JSONError.shown(key)) at byte \(offset)") }
                pairs.append((key, try read(&scanner)))
            } while try scanner.nextMember()
            return .object(pairs)
        case UInt8(ascii: "["):
            var items: [JSON] = []
            guard try scanner.enterArray() else { return .array(items) }
            repeat { items.append(try read(&scanner)) } while try scanner.nextElement()
            return .array(items)
        case UInt8(ascii: "\""): return .string(scanner.value(try scanner.string()))
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try scanner.bool())
        case UInt8(ascii: "n"):
            guard scanner.null() else { throw scanner.fail("null") }
            return .null
        case let byte? where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte): return .number(try scanner.numberText())
        default: throw scanner.fail("value")
        }
    }
}
