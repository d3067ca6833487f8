import JSONText

/// What the fast readers keep of a report: the fleet audit's group key and states, and the states the
/// plugin's policy reads. Everything else is checked (`ReportShape`) but not built: decoding a full Report
/// costs far more than the audit itself, and a fresh plugin process more than its own start-up
/// (`Benchmarks/reader-bench`; figures in docs/design.md).
public struct LeanReport: Equatable, Sendable {
    public var schemaVersion: Int = 0
    public var release: String = ""
    public var distroID: String?
    public var versionID: String?
    public var distroKernelVersion: String?
    /// Optional: a report always has one, a node list's node may not.
    public var bootID: String?
    /// Indexed like CapabilityID.allCases; nil when the report lacks the capability.
    public var states: [CapabilityState?] = Array(repeating: nil, count: CapabilityID.allCases.count)
    /// Capability ids this tool does not know, in document order (kept, as Report keeps them).
    public var unknownCapabilities: [String] = []

    public init() {}

    public func state(_ id: CapabilityID) -> CapabilityState? { states[id.index] }

    /// A Report holding what was read (states, kernel release, boot id): enough for the policy, which reads
    /// nothing else. Evidence, tool and probe details are empty.
    public func report(source: Report.Source) -> Report {
        var capabilities: [String: CapabilityResult] = [:]
        for (id, state) in zip(CapabilityID.allCases, states) {
            guard let state else { continue }
            capabilities[id.rawValue] = CapabilityResult(state: state, summary: "", evidence: Evidence(), metadata: CapabilityMetadata())
        }
        return Report(schemaVersion: schemaVersion, tool: .init(name: "", version: ""), kernel: .init(release: release, version: ""),
                      bootId: bootID ?? "", probe: .init(id: "", startedAt: "", durationMs: 0, linkKind: nil, linkKindNotes: [:],
                                                        privileged: false),
                      capabilities: capabilities, source: source)
    }
}

extension CapabilityID {
    /// The position in `allCases` (LeanReport.states' index).
    public var index: Int { Self.indices[self]! }
    private static let indices = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

/// The one reader of the report format. It walks the document along `ReportShape` — strict JSON, every
/// member the Codable types require present with the right type, enumerations known, no member twice,
/// nesting at most `JSONScanner.maxDepth`, and the strings it keeps at most `maxKeptString` bytes — and
/// keeps LeanReport's fields. `Report.decode` runs it before JSONDecoder, so nothing reads as a report in
/// one place and not in another.
public enum ReportReader {
    /// Longest string kept (uname's release fits in 64 bytes): longer is malformed, not truncated, so two
    /// different hosts never merge into one audit group by accident.
    public static let maxKeptString = 256

    /// The lean read of a whole report.
    public static func lean(_ bytes: UnsafeRawBufferPointer) throws(ReportError) -> LeanReport {
        var walk = Walk(scanner: JSONScanner(bytes))
        do {
            try walk.walk()
            try walk.scanner.end()
        } catch {
            throw walk.explain(error, bytes)
        }
        guard walk.report.schemaVersion == Report.currentSchemaVersion else {
            throw .unsupportedSchema(walk.report.schemaVersion)
        }
        return walk.report
    }

    /// Whether the bytes are a report (the check `Report.decode` makes before decoding).
    public static func check(_ bytes: UnsafeRawBufferPointer) throws(ReportError) {
        _ = try lean(bytes)
    }

    struct Walk {
        var scanner: JSONScanner
        var report = LeanReport()
        /// The state of the capability being read.
        var state: Int?
        var seenUnknown: Set<String> = []
        let table = CompiledShape.report

        init(scanner: JSONScanner) { self.scanner = scanner }

        static let ids: [[UInt8]] = CapabilityID.allCases.map { Array($0.rawValue.utf8) }
        static let states = CapabilityState.allCases

        mutating func walk() throws { try value(table.root) }

        mutating func value(_ index: Int32) throws {
            let node = table.nodes[Int(index)]
            switch node.kind {
            case .string:
                let range = try scanner.string()
                if let capture = node.capture { try keep(capture, range) }
            case .integer:
                let value = try scanner.integer()
                if node.capture == .schemaVersion { report.schemaVersion = value }
            case .int32:
                _ = try scanner.integer(in: Int(Int32.min)...Int(Int32.max))
            case .number:
                try scanner.finiteNumber()
            case .bool:
                _ = try scanner.bool()
            case .oneOf:
                let range = try scanner.string()
                var found: Int?
                for offset in 0..<Int(node.count) where scanner.equals(range, table.values[Int(node.first) + offset]) {
                    found = offset
                    break
                }
                guard let found else { throw Failure.at([], "unknown value \(scanner.text(range, limit: 32))") }
                if node.capture == .state { state = found }
            case .object:
                try object(node)
            case .array:
                guard try scanner.enterArray() else { return }
                var position = 0
                repeat {
                    do { try value(node.child) } catch { throw Failure(error).inside("[\(position)]") }
                    position += 1
                } while try scanner.nextElement()
            case .map:
                guard try scanner.enterObject() else { return }
                var keys: [JSONScanner.Range] = []
                repeat {
                    let key = try scanner.key()
                    if keys.contains(where: { scanner.sameString($0, key) }) {
                        throw Failure.at([], "duplicate key \(scanner.text(key, limit: 64))")
                    }
                    keys.append(key)
                    do { try value(node.child) } catch { throw Failure(error).inside(scanner.text(key, limit: 64)) }
                } while try scanner.nextMember()
            case .capabilities:
                try capabilities(node.child)
            }
        }

        /// Members are looked for where the last one was found first: documents write them sorted, as the
        /// shape lists them.
        mutating func object(_ node: CompiledShape.Node) throws {
            var seen: UInt64 = 0
            let first = Int(node.first), count = Int(node.count)
            if try scanner.enterObject() {
                var next = 0
                repeat {
                    let key = try scanner.key()
                    var found = -1
                    if next < count, scanner.equals(key, table.fields[first + next].name) {
                        found = next
                    } else {
                        for offset in 0..<count where scanner.equals(key, table.fields[first + offset].name) {
                            found = offset
                            break
                        }
                    }
                    guard found >= 0 else {
                        // Unknown members are ignored, as JSONDecoder ignores them (after the syntax check).
                        try scanner.skipValue()
                        continue
                    }
                    next = found + 1
                    let field = table.fields[first + found]
                    guard seen & (1 << UInt64(found)) == 0 else {
                        throw Failure.at([], "duplicate key \(table.names[first + found])")
                    }
                    seen |= 1 << UInt64(found)
                    if scanner.null() {
                        guard field.optional else { throw Failure.at([table.names[first + found]], "is null") }
                        continue
                    }
                    do { try value(field.node) } catch { throw Failure(error).inside(table.names[first + found]) }
                } while try scanner.nextMember()
            }
            let missing = node.required & ~seen
            if missing != 0 { throw Failure.missing([table.names[first + missing.trailingZeroBitCount]]) }
        }

        mutating func capabilities(_ result: Int32) throws {
            guard try scanner.enterObject() else { return }
            var seen: UInt64 = 0
            repeat {
                let key = try scanner.key()
                let known = Self.ids.firstIndex { scanner.equals(key, $0) }
                var name: String?
                if let known {
                    guard seen & (1 << known) == 0 else {
                        throw Failure.at([], "duplicate key \(CapabilityID.allCases[known].rawValue)")
                    }
                    seen |= 1 << known
                } else {
                    name = scanner.value(key)
                    guard seenUnknown.insert(name!).inserted else { throw Failure.at([], "duplicate key \(scanner.text(key, limit: 64))") }
                }
                state = nil
                do { try value(result) } catch {
                    throw Failure(error).inside(name ?? CapabilityID.allCases[known!].rawValue)
                }
                if let known, let state { report.states[known] = Self.states[state] }
                if let name { report.unknownCapabilities.append(name) }
            } while try scanner.nextMember()
        }

        mutating func keep(_ capture: Capture, _ range: JSONScanner.Range) throws {
            guard range.end - range.start <= ReportReader.maxKeptString else {
                throw Failure.at([], "longer than \(ReportReader.maxKeptString) bytes")
            }
            let text = scanner.value(range)
            switch capture {
            case .release: report.release = text
            case .bootID: report.bootID = text
            case .distroID: report.distroID = text
            case .versionID: report.versionID = text
            case .distroKernelVersion: report.distroKernelVersion = text
            case .schemaVersion, .state: break
            }
        }

        /// The message for a failure; a document with another schema version is named for that first (its
        /// shape may well differ), wherever its schemaVersion member stands.
        func explain(_ failure: any Error, _ bytes: UnsafeRawBufferPointer) -> ReportError {
            if let version = Self.topLevelSchemaVersion(bytes), version != Report.currentSchemaVersion {
                return .unsupportedSchema(version)
            }
            return .malformed("\(failure)")
        }

        static func topLevelSchemaVersion(_ bytes: UnsafeRawBufferPointer) -> Int? {
            var scanner = JSONScanner(bytes)
            var version: Int?
            try? scanner.object { scanner, key in
                if scanner.equals(key, "schemaVersion"), let v = try? scanner.integer() { version = v } else { try scanner.skipValue() }
            }
            return version
        }
    }

    /// Where the walk failed: a syntax error, or a member missing or wrong at a path (built on the way out).
    /// A member missing or wrong, or a syntax error, at the path built on the way out.
    enum Failure: Error, CustomStringConvertible {
        case at([String], String)
        case missing([String])

        /// A syntax error becomes a failure at the path it happened under.
        init(_ error: any Error) {
            self = error as? Failure ?? .at([], "\(error)")
        }

        func inside(_ name: String) -> Failure {
            switch self {
            case .at(let path, let problem): return .at([name] + path, problem)
            case .missing(let path): return .missing([name] + path)
            }
        }

        var description: String {
            switch self {
            case .at(let path, let problem): return path.isEmpty ? problem : Self.join(path) + ": " + problem
            case .missing(let path): return "no " + Self.join(path)
            }
        }

        /// `a.b[2].c`
        static func join(_ path: [String]) -> String {
            path.enumerated().map { $0.offset == 0 || $0.element.hasPrefix("[") ? $0.element : "." + $0.element }.joined()
        }
    }
}
