/// A Decoder that decodes nothing: it walks a Decodable type's `init(from:)` and writes down what it asks
/// for — each member, whether it is read with `decode` (required) or `decodeIfPresent` (optional), and each
/// value's type — so that the report's Codable types can be compared with ReportShape and the JSON Schema
/// member by member (ReportShapeAgreementTests). Every value it hands back is a placeholder.
indirect enum MemberType: Equatable, Sendable, CustomStringConvertible {
    case string, integer, number, bool
    case enumeration(Set<String>)
    case object([String: Member])
    case array(MemberType)
    case map(MemberType)

    var description: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .number: return "number"
        case .bool: return "boolean"
        case .enumeration(let values): return "one of \(values.sorted())"
        case .object: return "object"
        case .array(let element): return "array of \(element)"
        case .map(let element): return "map of \(element)"
        }
    }
}

struct Member: Equatable, Sendable {
    var optional: Bool
    var type: MemberType
}

/// What one value turned out to be, filled in while its `init(from:)` runs.
final class Recording {
    var leaf: MemberType?
    var members: [String: (optional: Bool, recording: Recording)] = [:]
    var keyed = false
    var isMap = false
    var element: Recording?

    var type: MemberType {
        if let leaf { return leaf }
        if let element { return .array(element.type) }
        if isMap { return .map(members["*"]!.recording.type) }
        precondition(keyed, "a value that asked for no container")
        return .object(members.mapValues { Member(optional: $0.optional, type: $0.recording.type) })
    }
}

struct Recorder: Decoder {
    let box: Recording
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    static func record<T: Decodable>(_ type: T.Type) throws -> MemberType {
        let box = Recording()
        _ = try value(type, into: box)
        return box.type
    }

    /// A String-backed enumeration is written down with its raw values and stands for its first case.
    static func value<T: Decodable>(_ type: T.Type, into box: Recording) throws -> T {
        if let cases = type as? any CaseIterable.Type {
            func open<E: CaseIterable>(_: E.Type) -> (Set<String>, Any) {
                (Set(E.allCases.compactMap { ($0 as? any RawRepresentable)?.rawValue as? String }), E.allCases.first!)
            }
            let (values, first) = open(cases)
            box.leaf = .enumeration(values)
            return first as! T
        }
        switch type {
        case is String.Type: box.leaf = .string; return "" as! T
        case is Bool.Type: box.leaf = .bool; return false as! T
        case is Double.Type: box.leaf = .number; return 0.0 as! T
        case is Float.Type: box.leaf = .number; return Float(0) as! T
        case is Int.Type: box.leaf = .integer; return 0 as! T
        case is Int8.Type: box.leaf = .integer; return Int8(0) as! T
        case is Int16.Type: box.leaf = .integer; return Int16(0) as! T
        case is Int32.Type: box.leaf = .integer; return Int32(0) as! T
        case is Int64.Type: box.leaf = .integer; return Int64(0) as! T
        case is UInt.Type: box.leaf = .integer; return UInt(0) as! T
        case is UInt8.Type: box.leaf = .integer; return UInt8(0) as! T
        case is UInt16.Type: box.leaf = .integer; return UInt16(0) as! T
        case is UInt32.Type: box.leaf = .integer; return UInt32(0) as! T
        case is UInt64.Type: box.leaf = .integer; return UInt64(0) as! T
        default: return try T(from: Recorder(box: box))
        }
    }

    func container<K: CodingKey>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> {
        box.keyed = true
        return KeyedDecodingContainer(Keyed<K>(box: box))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(box: box) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(box: box) }
}

/// A map (`[String: V]`) shows itself by asking for its keys: it is given one, `*`.
struct Keyed<K: CodingKey>: KeyedDecodingContainerProtocol {
    let box: Recording
    var codingPath: [any CodingKey] = []
    var allKeys: [K] {
        box.isMap = true
        return [K(stringValue: "*")!]
    }

    func contains(_ key: K) -> Bool { true }
    func decodeNil(forKey key: K) throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type, _ key: K, optional: Bool) throws -> T {
        let child = Recording()
        box.members[key.stringValue] = (optional, child)
        return try Recorder.value(type, into: child)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: K) throws -> T { try decode(type, key, optional: false) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: K) throws -> T? { try decode(type, key, optional: true) }
    func decode(_ type: Bool.Type, forKey key: K) throws -> Bool { try decode(type, key, optional: false) }
    func decode(_ type: String.Type, forKey key: K) throws -> String { try decode(type, key, optional: false) }
    func decode(_ type: Double.Type, forKey key: K) throws -> Double { try decode(type, key, optional: false) }
    func decode(_ type: Float.Type, forKey key: K) throws -> Float { try decode(type, key, optional: false) }
    func decode(_ type: Int.Type, forKey key: K) throws -> Int { try decode(type, key, optional: false) }
    func decode(_ type: Int8.Type, forKey key: K) throws -> Int8 { try decode(type, key, optional: false) }
    func decode(_ type: Int16.Type, forKey key: K) throws -> Int16 { try decode(type, key, optional: false) }
    func decode(_ type: Int32.Type, forKey key: K) throws -> Int32 { try decode(type, key, optional: false) }
    func decode(_ type: Int64.Type, forKey key: K) throws -> Int64 { try decode(type, key, optional: false) }
    func decode(_ type: UInt.Type, forKey key: K) throws -> UInt { try decode(type, key, optional: false) }
    func decode(_ type: UInt8.Type, forKey key: K) throws -> UInt8 { try decode(type, key, optional: false) }
    func decode(_ type: UInt16.Type, forKey key: K) throws -> UInt16 { try decode(type, key, optional: false) }
    func decode(_ type: UInt32.Type, forKey key: K) throws -> UInt32 { try decode(type, key, optional: false) }
    func decode(_ type: UInt64.Type, forKey key: K) throws -> UInt64 { try decode(type, key, optional: false) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: K) throws -> Bool? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: String.Type, forKey key: K) throws -> String? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: Double.Type, forKey key: K) throws -> Double? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: Float.Type, forKey key: K) throws -> Float? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: Int.Type, forKey key: K) throws -> Int? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: K) throws -> Int8? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: K) throws -> Int16? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: K) throws -> Int32? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: K) throws -> Int64? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: K) throws -> UInt? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: K) throws -> UInt8? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: K) throws -> UInt16? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: K) throws -> UInt32? { try decode(type, key, optional: true) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: K) throws -> UInt64? { try decode(type, key, optional: true) }

    func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: K) throws -> KeyedDecodingContainer<N> {
        let child = Recording()
        box.members[key.stringValue] = (false, child)
        child.keyed = true
        return KeyedDecodingContainer(Keyed<N>(box: child))
    }

    func nestedUnkeyedContainer(forKey key: K) throws -> any UnkeyedDecodingContainer {
        let child = Recording()
        box.members[key.stringValue] = (false, child)
        return Unkeyed(box: child)
    }

    func superDecoder() throws -> any Decoder { Recorder(box: box) }
    func superDecoder(forKey key: K) throws -> any Decoder { Recorder(box: box) }
}

/// An array holds one element, whose type is written down.
struct Unkeyed: UnkeyedDecodingContainer {
    let box: Recording
    var codingPath: [any CodingKey] = []
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try element(type) }

    mutating func element<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        let child = Recording()
        box.element = child
        return try Recorder.value(type, into: child)
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try element(type) }
    mutating func decode(_ type: String.Type) throws -> String { try element(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try element(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try element(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try element(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try element(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try element(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try element(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try element(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try element(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try element(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try element(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try element(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try element(type) }

    mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
        currentIndex += 1
        let child = Recording()
        box.element = child
        child.keyed = true
        return KeyedDecodingContainer(Keyed<N>(box: child))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        currentIndex += 1
        let child = Recording()
        box.element = child
        return Unkeyed(box: child)
    }

    mutating func superDecoder() throws -> any Decoder { Recorder(box: box) }
}

struct Single: SingleValueDecodingContainer {
    let box: Recording
    var codingPath: [any CodingKey] = []
    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try Recorder.value(type, into: box) }
    func decode(_ type: Bool.Type) throws -> Bool { try Recorder.value(type, into: box) }
    func decode(_ type: String.Type) throws -> String { try Recorder.value(type, into: box) }
    func decode(_ type: Double.Type) throws -> Double { try Recorder.value(type, into: box) }
    func decode(_ type: Float.Type) throws -> Float { try Recorder.value(type, into: box) }
    func decode(_ type: Int.Type) throws -> Int { try Recorder.value(type, into: box) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Recorder.value(type, into: box) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Recorder.value(type, into: box) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Recorder.value(type, into: box) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Recorder.value(type, into: box) }
    func decode(_ type: UInt.Type) throws -> UInt { try Recorder.value(type, into: box) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Recorder.value(type, into: box) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Recorder.value(type, into: box) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Recorder.value(type, into: box) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Recorder.value(type, into: box) }
}
