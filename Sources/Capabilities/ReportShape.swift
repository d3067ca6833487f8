/// The report format as the reader checks it: `Report`'s Codable types, field by field — which members each
/// object must have, which may be absent or null (the Optionals), and each value's type. Enumerations take
/// their values from the Swift enums themselves. `ReportReader` walks a document along this shape, and
/// every reader of reports goes through it (`Report.decode` before JSONDecoder builds the values, the
/// audit's and the plugin's lean reads instead of it), so a document is a report or is not one for all of
/// them alike. `Tests/CapabilitiesTests/ReportShapeAgreementTests` holds it, the Codable types and
/// schemas/report.schema.json equal member by member (required or optional, type, enumeration values), in
/// both directions. `Tests/CapabilitiesTests/ReportReaderTests` holds it against JSONDecoder: for every stored
/// report, the adversarial ones and a mutation of every field of a report that sets every field, both
/// accept or both refuse, and agree on every value the lean read returns.
indirect enum ValueShape: Sendable {
    case string(Capture?)
    /// An Int written as an integer (JSONDecoder would also take 1.0 or 1e0: stricter is allowed).
    case integer(Capture?)
    case int32
    /// A Double: any JSON number with a finite value.
    case number
    case bool
    /// A String-backed enum: one of these raw values.
    case oneOf([String], Capture?)
    case object(ObjectShape)
    case array(ValueShape)
    /// `[String: V]`: any keys, each once.
    case map(ValueShape)
    /// `[String: CapabilityResult]`, whose keys and states the lean read keeps.
    case capabilities(ObjectShape)
}

/// The members of a struct; `optional` ones are Optionals (absent or null).
struct ObjectShape: Sendable {
    struct Field: Sendable {
        let name: String
        let bytes: [UInt8]
        let value: ValueShape
        let optional: Bool
    }

    let fields: [Field]

    init(_ fields: [(String, ValueShape, optional: Bool)]) {
        self.fields = fields.map { Field(name: $0.0, bytes: Array($0.0.utf8), value: $0.1, optional: $0.optional) }
        precondition(fields.count <= 64, "the reader tracks fields in a 64-bit mask")
    }
}

/// The values the lean read keeps (LeanReport's fields).
enum Capture: Sendable {
    case schemaVersion, release, bootID, state, distroID, versionID, distroKernelVersion
}

/// Computed, not stored: the shape is read once, to compile `CompiledShape.report`. Stored in static lets,
/// the boxes of ValueShape's indirect cases live until exit behind enum payloads LeakSanitizer does not
/// recognise as pointers, and it reports each box as a leak from every process that reads a report (`make
/// asan`, `make fuzz`; a static let of a struct holding such an enum leaks the same way without linkcaps).
enum ReportShape {
    private static func raw<E: CaseIterable & RawRepresentable>(_: E.Type) -> [String] where E.RawValue == String {
        E.allCases.map(\.rawValue)
    }

    static var optionalText: ValueShape { .string(nil) }

    static var event: ObjectShape { ObjectShape([
        ("event", .oneOf(raw(LinkEventKind.self), nil), optional: false),
        ("name", .string(nil), optional: true),
        ("ifindex", .int32, optional: false),
        ("up", .bool, optional: false),
        ("newNetnsId", .int32, optional: true),
        ("newIfindex", .int32, optional: true),
    ]) }

    static var lookup: ObjectShape { ObjectShape([
        ("namespace", .oneOf(raw(NameLookup.Namespace.self), nil), optional: false),
        ("action", .oneOf(raw(NameLookup.Action.self), nil), optional: false),
        ("name", .string(nil), optional: false),
        ("errno", .int32, optional: false),
        ("errnoName", .string(nil), optional: true),
        ("ifindex", .int32, optional: true),
    ]) }

    static var evidence: ObjectShape { ObjectShape([
        ("request", .string(nil), optional: true),
        ("errno", .int32, optional: true),
        ("errnoName", .string(nil), optional: true),
        ("extack", .string(nil), optional: true),
        ("source", .array(.object(event)), optional: true),
        ("target", .array(.object(event)), optional: true),
        ("outcome", .string(nil), optional: true),
        ("lookups", .array(.object(lookup)), optional: true),
        ("attributes", .map(.string(nil)), optional: true),
        ("durationMs", .number, optional: false),
    ]) }

    static var metadata: ObjectShape { ObjectShape([
        ("upstreamCommit", optionalText, optional: true),
        ("firstRelease", optionalText, optional: true),
    ]) }

    static var capabilityResult: ObjectShape { ObjectShape([
        ("state", .oneOf(raw(CapabilityState.self), .state), optional: false),
        ("summary", .string(nil), optional: false),
        ("evidence", .object(evidence), optional: false),
        ("metadata", .object(metadata), optional: false),
    ]) }

    static var osRelease: ObjectShape { ObjectShape([
        ("id", .string(.distroID), optional: true),
        ("versionId", .string(.versionID), optional: true),
        ("prettyName", optionalText, optional: true),
    ]) }

    static var module: ObjectShape { ObjectShape([
        ("name", .string(nil), optional: false),
        ("state", .oneOf(raw(HostFacts.Module.State.self), nil), optional: false),
        ("path", optionalText, optional: true),
        ("version", optionalText, optional: true),
        ("srcversion", optionalText, optional: true),
        ("vermagic", optionalText, optional: true),
        ("dependencies", .array(.string(nil)), optional: false),
        ("note", optionalText, optional: true),
    ]) }

    static var interface: ObjectShape { ObjectShape([
        ("name", .string(nil), optional: false),
        ("driver", optionalText, optional: true),
        ("driverVersion", optionalText, optional: true),
        ("firmwareVersion", optionalText, optional: true),
        ("busInfo", optionalText, optional: true),
        ("module", optionalText, optional: true),
        ("source", .oneOf(raw(HostFacts.Interface.Source.self), nil), optional: false),
        ("note", optionalText, optional: true),
    ]) }

    static var moduleDatabase: ObjectShape { ObjectShape([
        ("directory", optionalText, optional: true),
        ("available", .bool, optional: false),
        ("note", optionalText, optional: true),
        ("messages", .array(.string(nil)), optional: true),
    ]) }

    static var hostFacts: ObjectShape { ObjectShape([
        ("distroKernelVersion", .string(.distroKernelVersion), optional: true),
        ("osRelease", .object(osRelease), optional: true),
        ("effectiveCapabilities", optionalText, optional: true),
        ("hasModuleSupport", .bool, optional: true),
        ("modules", .array(.object(module)), optional: false),
        ("moduleDatabase", .object(moduleDatabase), optional: true),
        ("interfaces", .array(.object(interface)), optional: true),
        ("distroKernelVersionSource", .oneOf(raw(HostFacts.DistroKernelVersionSource.self), nil), optional: true),
    ]) }

    static var report: ObjectShape { ObjectShape([
        ("schemaVersion", .integer(.schemaVersion), optional: false),
        ("tool", .object(ObjectShape([("name", .string(nil), optional: false), ("version", .string(nil), optional: false)])),
         optional: false),
        ("kernel", .object(ObjectShape([("release", .string(.release), optional: false), ("version", .string(nil), optional: false)])),
         optional: false),
        ("bootId", .string(.bootID), optional: false),
        ("probe", .object(ObjectShape([
            ("id", .string(nil), optional: false),
            ("startedAt", .string(nil), optional: false),
            ("durationMs", .number, optional: false),
            ("linkKind", .string(nil), optional: true),
            ("linkKindNotes", .map(.string(nil)), optional: false),
            ("privileged", .bool, optional: false),
            ("modulesLoaded", .array(.string(nil)), optional: true),
            ("experimentsAsked", .array(.string(nil)), optional: true),
        ])), optional: false),
        ("capabilities", .capabilities(capabilityResult), optional: false),
        ("facts", .object(hostFacts), optional: true),
        ("source", .oneOf(raw(Report.Source.self), nil), optional: false),
    ]) }
}

/// ReportShape compiled for the walk: flat tables addressed by index, allocated once for the life of the
/// process, so that walking a report touches no reference counts (the audit walks a million of them).
struct CompiledShape {
    enum Kind: UInt8 { case string, integer, int32, number, bool, oneOf, object, array, map, capabilities }

    struct Node {
        var kind: Kind
        var capture: Capture?
        /// array, map: the element's node; capabilities: the result object's node.
        var child: Int32 = -1
        /// object: its fields; oneOf: its values.
        var first: Int32 = 0
        var count: Int32 = 0
        /// object: the fields that must be present, as bits.
        var required: UInt64 = 0
    }

    struct Field {
        var name: UnsafeBufferPointer<UInt8>
        var node: Int32
        var optional: Bool
    }

    var nodes: [Node] = []
    var fields: [Field] = []
    /// Field names, for messages only (the walk reads them on its error path).
    var names: [String] = []
    var values: [UnsafeBufferPointer<UInt8>] = []
    var root: Int32 = 0

    // Immutable after its initialiser, and what it points to is never written or freed: safe to share
    // between threads.
    nonisolated(unsafe) static let report: Tables = {
        var compiled = CompiledShape()
        compiled.root = compiled.add(.object(ReportShape.report))
        return Tables(compiled)
    }()

    /// The compiled shape as raw buffers (leaked on purpose: they live as long as the process).
    struct Tables {
        let nodes: UnsafeBufferPointer<Node>
        let fields: UnsafeBufferPointer<Field>
        let values: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>
        let names: [String]
        let root: Int32

        init(_ compiled: CompiledShape) {
            nodes = UnsafeBufferPointer(Self.immortal(compiled.nodes))
            fields = UnsafeBufferPointer(Self.immortal(compiled.fields))
            values = UnsafeBufferPointer(Self.immortal(compiled.values))
            names = compiled.names
            root = compiled.root
        }

        static func immortal<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return buffer
        }
    }

    static func bytes(_ text: String) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(Tables.immortal(Array(text.utf8)))
    }

    mutating func add(_ shape: ValueShape) -> Int32 {
        var node: Node
        switch shape {
        case .string(let capture): node = Node(kind: .string, capture: capture)
        case .integer(let capture): node = Node(kind: .integer, capture: capture)
        case .int32: node = Node(kind: .int32, capture: nil)
        case .number: node = Node(kind: .number, capture: nil)
        case .bool: node = Node(kind: .bool, capture: nil)
        case .oneOf(let allowed, let capture):
            node = Node(kind: .oneOf, capture: capture, first: Int32(values.count), count: Int32(allowed.count))
            values += allowed.map(Self.bytes)
        case .object(let object):
            // In byte order, as linkcaps and most encoders write members (sorted keys): the walk looks for the
            // next member right after the last one found.
            let sorted = object.fields.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
            let children = sorted.map { add($0.value) }
            node = Node(kind: .object, capture: nil, first: Int32(fields.count), count: Int32(sorted.count))
            for (index, (field, child)) in zip(sorted, children).enumerated() {
                fields.append(Field(name: Self.bytes(field.name), node: child, optional: field.optional))
                names.append(field.name)
                if !field.optional { node.required |= 1 << UInt64(index) }
            }
        case .array(let element): node = Node(kind: .array, capture: nil, child: add(element))
        case .map(let element): node = Node(kind: .map, capture: nil, child: add(element))
        case .capabilities(let result): node = Node(kind: .capabilities, capture: nil, child: add(.object(result)))
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }
}
