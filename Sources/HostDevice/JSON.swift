import JSONText

/// A JSON value with object keys kept in order, so that a prevResult or an IPAM result passes through
/// unchanged: what the plugin reads from others (configuration, prevResult, IPAM result, its state files)
/// and writes back. Read by JSONText's scanner, the one reader of JSON written by others.
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
                guard keys.insert(key).inserted else { throw JSONError("duplicate key \(InputCheck.shown(key)) at byte \(offset)") }
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
