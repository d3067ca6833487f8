import Capabilities
import Foundation
import Testing
import TestSupport

/// ReportReader (the lean read the audit and the plugin use) held against JSONDecoder over Report's
/// Codable types (the definition): the same documents are reports for both, with the same values for
/// everything the lean read returns — over every stored report, the schema's test cases, a mutation of every
/// field of a report that sets every field, and adversarial input. Where the reader is deliberately
/// stricter than JSONDecoder (strict RFC 8259, bounded nesting and kept strings, no member twice) the
/// document is refused by every reader, Report.decode included.
@Suite("One reader of the report format")
struct ReportReaderTests {
    struct Decisions {
        let lean: Result<LeanReport, ReportError>
        /// JSONDecoder alone, with the schema version check.
        let raw: Result<Report, any Error>
        /// Report.decode: ReportReader's decision, then JSONDecoder.
        let full: Result<Report, ReportError>
    }

    static func decide(_ bytes: [UInt8]) -> Decisions {
        let data = Data(bytes)
        let lean = bytes.withUnsafeBytes { buffer in Result { () throws(ReportError) in try ReportReader.lean(buffer) } }
        let raw = Result { () throws -> Report in
            let report = try JSONDecoder().decode(Report.self, from: data)
            guard report.schemaVersion == Report.currentSchemaVersion else { throw ReportError.unsupportedSchema(report.schemaVersion) }
            return report
        }
        let full = Result { () throws(ReportError) in try Report.decode(data) }
        return Decisions(lean: lean, raw: raw, full: full)
    }

    /// What must hold for any input: Report.decode decides as the lean read does, and whatever the lean read
    /// accepts JSONDecoder accepts too, with the same values.
    static func checkConsistent(_ name: String, _ d: Decisions, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(((try? d.full.get()) != nil) == ((try? d.lean.get()) != nil),
                "\(name): Report.decode and the lean read disagree: \(d.full) vs \(d.lean)", sourceLocation: sourceLocation)
        guard case .success(let lean) = d.lean else { return }
        guard case .success(let raw) = d.raw else {
            Issue.record("\(name): the lean read accepted what JSONDecoder refuses: \(d.raw)", sourceLocation: sourceLocation)
            return
        }
        checkValues(name, lean, raw, sourceLocation: sourceLocation)
        if case .success(let full) = d.full { #expect(full == raw, "\(name): Report.decode built other values", sourceLocation: sourceLocation) }
    }

    static func checkValues(_ name: String, _ lean: LeanReport, _ raw: Report, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(lean.schemaVersion == raw.schemaVersion, "\(name): schemaVersion", sourceLocation: sourceLocation)
        #expect(lean.release == raw.kernel.release, "\(name): kernel.release", sourceLocation: sourceLocation)
        #expect(lean.bootID == raw.bootId, "\(name): bootId", sourceLocation: sourceLocation)
        #expect(lean.states == CapabilityID.allCases.map { raw.state($0) }, "\(name): states", sourceLocation: sourceLocation)
        let unknown = raw.capabilities.keys.filter { CapabilityID(rawValue: $0) == nil }
        #expect(lean.unknownCapabilities.sorted() == unknown.sorted(), "\(name): unknown capability ids", sourceLocation: sourceLocation)
        #expect(lean.distroID == raw.facts?.osRelease?.id, "\(name): facts.osRelease.id", sourceLocation: sourceLocation)
        #expect(lean.versionID == raw.facts?.osRelease?.versionId, "\(name): facts.osRelease.versionId", sourceLocation: sourceLocation)
        #expect(lean.distroKernelVersion == raw.facts?.distroKernelVersion, "\(name): facts.distroKernelVersion",
                sourceLocation: sourceLocation)
        #expect(lean.report(source: raw.source).capabilities.mapValues(\.state) == raw.capabilities.filter {
            CapabilityID(rawValue: $0.key) != nil
        }.mapValues(\.state), "\(name): the policy's view", sourceLocation: sourceLocation)
    }

    /// For documents where nothing deliberately stricter applies: the same decision as JSONDecoder.
    static func checkSameDecision(_ name: String, _ d: Decisions, sourceLocation: SourceLocation = #_sourceLocation) {
        checkConsistent(name, d, sourceLocation: sourceLocation)
        #expect(((try? d.raw.get()) != nil) == ((try? d.lean.get()) != nil),
                "\(name): JSONDecoder \((try? d.raw.get()) != nil ? "accepts" : "refuses"), the lean read \(d.lean)",
                sourceLocation: sourceLocation)
    }

    @Test func everyStoredReportIsReadAlikeByBoth() {
        // host-a and the constructed, the observations' (each kernel's report, stored once there), the fleet lines.
        #expect(ReportCorpus.stored.count >= 3 + 17 + 40, "the corpus was not found (\(ReportCorpus.stored.count))")
        #expect(ReportCorpus.stored.filter { $0.name.hasSuffix("#/report") }.count
                == ReportCorpus.files("matrix/observations", suffix: ".json").count, "an observation without its report")
        var accepted = 0
        for document in ReportCorpus.stored {
            let d = Self.decide(document.bytes)
            // The broken lines are adversarial (one has a 300-byte release: refused by every reader, although
            // JSONDecoder alone would take it).
            if document.name.contains("broken.jsonl") { Self.checkConsistent(document.name, d) } else {
                Self.checkSameDecision(document.name, d)
            }
            if (try? d.lean.get()) != nil { accepted += 1 }
        }
        // Every stored report is one, except the audit's broken lines (truncated, schema 99, a 300-byte release,
        // {"schemaVersion":1}, deep nesting, an unknown state).
        #expect(accepted == ReportCorpus.stored.count - 6)
    }

    @Test func theSchemaCasesAreReadAlikeByBoth() {
        #expect(ReportCorpus.schemaCases.count >= 30, "schemas/tests not found (\(ReportCorpus.schemaCases.count))")
        for document in ReportCorpus.schemaCases {
            Self.checkSameDecision(document.name, Self.decide(document.bytes))
        }
    }

    // MARK: a mutation of every field

    /// A report in which every optional field is set and every collection has an element, so that each
    /// member of every Codable type appears (checked by `unsetFields`).
    static let rich: Report = {
        let event = ObservedEvent(event: .delLink, name: "lcp0", ifindex: 3, up: true, newNetnsId: 1, newIfindex: 4)
        let lookup = NameLookup(namespace: .target, action: .reuse, name: "lc-alt0", errno: 17, errnoName: "EEXIST", ifindex: 3)
        let evidence = Evidence(request: "RTM_NEWLINK ifindex=3", errno: 17, errnoName: "EEXIST", extack: "exists", source: [event],
                                target: [event], outcome: "in target", lookups: [lookup], attributes: ["IFLA_NETNS_IMMUTABLE": "1"],
                                durationMs: 1.5)
        let result = CapabilityResult(state: .unsupported, summary: "moved, then EEXIST", evidence: evidence,
                                      metadata: CapabilityMetadata(upstreamCommit: "311cca40661f", firstRelease: "v6.6"))
        let facts = HostFacts(
            distroKernelVersion: "Debian 6.1.170-1", osRelease: .init(id: "debian", versionId: "12", prettyName: "Debian 12"),
            effectiveCapabilities: "0x3fffffffff", hasModuleSupport: true,
            modules: [.init(name: "dummy", state: .loadable, path: "/lib/modules/dummy.ko", version: "1", srcversion: "ABC",
                            vermagic: "6.1.0", dependencies: ["none"], note: "a note")],
            moduleDatabase: .init(directory: "/lib/modules/6.1.0", available: true, note: "a note", messages: ["a message"]),
            interfaces: [.init(name: "eth0", driver: "virtio_net", driverVersion: "1.0", firmwareVersion: "fw", busInfo: "0000:00:05.0",
                               module: "virtio_net", source: .ethtool, note: "a note")],
            distroKernelVersionSource: .unameVersion)
        return Report(tool: .init(name: "linkcaps", version: "0.1.0"),
                      kernel: .init(release: "6.1.0-56-cloud-amd64", version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.170-1"),
                      bootId: "e99aa840-f4e9-491b-ae0b-1771e99b9866",
                      probe: .init(id: "4f11a1f4-7fe2-4167-8cae-df83dc582a8d", startedAt: "2026-12-03T10:00:00Z", durationMs: 250.5,
                                   linkKind: "veth", linkKindNotes: ["dummy": "EOPNOTSUPP"], privileged: true, modulesLoaded: ["dummy"],
                                   experimentsAsked: ["move.atomicOnNameTaken"]),
                      capabilities: ["move.atomicOnNameTaken": result, "future.question": result], facts: facts, source: .cache)
    }()

    /// Paths of Optionals that are nil and collections that are empty, anywhere in `value`.
    static func unsetFields(_ value: Any, path: String = "") -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let child = mirror.children.first else { return [path] }
            return unsetFields(child.value, path: path)
        case .collection, .dictionary, .set:
            if mirror.children.isEmpty { return [path + " (empty)"] }
            return mirror.children.enumerated().flatMap { unsetFields($0.element.value, path: "\(path)[\($0.offset)]") }
        case .struct, .class:
            return mirror.children.flatMap { unsetFields($0.value, path: path + "." + ($0.label ?? "?")) }
        default:
            return []
        }
    }

    @Test func theRichReportSetsEveryField() {
        #expect(Self.unsetFields(Self.rich) == [], "a field was added to the report types: set it in `rich`, and ReportShape must know it")
    }

    /// Every place a value sits in `node`: member paths and array indices.
    static func paths(_ node: Any, _ prefix: [String] = []) -> [[String]] {
        if let object = node as? [String: Any] {
            return object.keys.sorted().flatMap { [prefix + [$0]] + paths(object[$0]!, prefix + [$0]) }
        }
        if let array = node as? [Any] {
            return array.indices.flatMap { [prefix + ["\($0)"]] + paths(array[$0], prefix + ["\($0)"]) }
        }
        return []
    }

    @Test func aMutationOfEveryFieldIsReadAlikeByBoth() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let base = try JSONSerialization.jsonObject(with: try encoder.encode(Self.rich))
        #expect((try? Self.decide(Array(try encoder.encode(Self.rich))).lean.get()) != nil, "the rich report is not read")
        let replacements: [(String, Any?)] = [("removed", nil), ("null", NSNull()), ("a string", "x"), ("an integer", 7),
                                              ("a fraction", 1.5), ("a bool", true), ("an object", [String: Any]()),
                                              ("an array", [Any]())]
        var checked = 0
        for path in Self.paths(base) {
            for (what, value) in replacements {
                if value == nil, Int(path.last!) != nil { continue }  // removing an array element changes nothing's shape
                let mutated = JSONPatch.set(base, path[...], to: value)
                let bytes = Array(try JSONSerialization.data(withJSONObject: mutated, options: [.sortedKeys]))
                Self.checkSameDecision("/\(path.joined(separator: "/")) \(what)", Self.decide(bytes))
                checked += 1
            }
        }
        #expect(checked > 500)
    }

    // MARK: adversarial input

    static let real: String = String(decoding: Observations.member(
        "report", of: ReportCorpus.bytes("matrix/observations/6.1.0-56-cloud-amd64.json"))!, as: UTF8.self)

    static func reason(_ text: String) -> String? {
        if case .failure(let error) = decide(Array(text.utf8)).lean { return error.description }
        return nil
    }

    @Test func truncatedAtEveryTenthByteIsRefusedByBoth() {
        let bytes = Array(Self.real.utf8)
        for cut in stride(from: 0, to: bytes.count - 1, by: 10) {
            let d = Self.decide(Array(bytes[..<cut]))
            Self.checkSameDecision("cut at \(cut)", d)
            #expect((try? d.lean.get()) == nil, "accepted a report cut at byte \(cut)")
        }
    }

    @Test func namedProblems() {
        let real = Self.real
        #expect(Self.reason(real.replacingOccurrences(of: "\"schemaVersion\": 1", with: "\"schemaVersion\": 2"))
                    == "schema version 2 is not supported (this tool reads 1)")
        #expect(Self.reason(real.replacingOccurrences(of: "\"schemaVersion\": 1,", with: "")) == "no schemaVersion")
        #expect(Self.reason(real.replacingOccurrences(of: "\"schemaVersion\": 1", with: "\"schemaVersion\": \"1\""))
                    == "schemaVersion: invalid JSON at byte 16829: integer expected")
        #expect(Self.reason(real.replacingOccurrences(of: "6.1.0-56-cloud-amd64", with: String(repeating: "x", count: 300)))
                    == "kernel.release: longer than 256 bytes")
        #expect(Self.reason(real.replacingOccurrences(of: "\"state\": \"skipped\"", with: "\"state\": \"maybe\"")
            .replacingOccurrences(of: "\"state\": \"supported\"", with: "\"state\": \"maybe\""))?.hasSuffix(".state: unknown value maybe") == true)
        #expect(Self.reason(#"{"schemaVersion":1,"kernel":{"release":"x"},"capabilities":{"a.b":{"state":"supported"}}}"#)
                    == "no kernel.version")
        #expect(Self.reason(#"{"schemaVersion":1}"#) == "no bootId")
        #expect(Self.reason(String(repeating: "[", count: 100_000)) == "invalid JSON at byte 0: object expected")
        #expect(Self.reason(#"{"schemaVersion":1,"x":"# + String(repeating: "[", count: 100_000)) == "nested too deeply")
        let noDuration = real.replacingOccurrences(of: "\"durationMs\": 40.9,", with: "")
        #expect(noDuration != real)
        #expect(Self.reason(noDuration)?.hasPrefix("no capabilities.") == true && Self.reason(noDuration)?.hasSuffix(".evidence.durationMs") == true)
    }

    /// Refused by every reader although JSONDecoder alone would take some of them: the format is strict
    /// JSON, nested at most 64 deep, with every member once and the kept strings bounded.
    @Test(arguments: [
        ("a member twice", #""bootId": "#, #""bootId": "0", "bootId": "#),
        ("a control character in an unknown member", #""schemaVersion": 1"#, "\"x\" : \"a\u{1}b\", \"schemaVersion\": 1"),
        ("an unknown escape in an unknown member", #""schemaVersion": 1"#, #""x": "\q", "schemaVersion": 1"#),
        ("a lone surrogate in an unknown member", #""schemaVersion": 1"#, #""x": "\udc00", "schemaVersion": 1"#),
        ("nesting past 64 in an unknown member", #""schemaVersion": 1"#,
         "\"x\" : " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + ", \"schemaVersion\": 1"),
        ("schemaVersion written as 1.0", #""schemaVersion": 1"#, #""schemaVersion": 1.0"#),
        ("an ifindex written as 2.0", #""ifindex": 2,"#, #""ifindex": 2.0,"#),
        ("a leading zero", #""ifindex": 2,"#, #""ifindex": 02,"#),
        ("a number past Double", #""durationMs": 40.9"#, #""durationMs": 1e999"#),
        ("an ifindex past Int32", #""ifindex": 2,"#, #""ifindex": 3000000000,"#),
        ("a boot id longer than 256 bytes", #""bootId": ""#, "\"bootId\" : \"" + String(repeating: "b", count: 300)),
    ])
    func refusedByEveryReader(_ what: String, _ original: String, _ replacement: String) {
        let text = Self.real.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.real, "\(what): the base report changed shape")
        let d = Self.decide(Array(text.utf8))
        Self.checkConsistent(what, d)
        #expect((try? d.lean.get()) == nil, "\(what) was read as a report")
    }

    @Test func aByteOrderMarkATrailingCommaAndInvalidUTF8AreRefused() {
        var trimmed = Self.real
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        let comma = Self.decide(Array((String(trimmed.dropLast()) + ",}").utf8))
        Self.checkConsistent("trailing comma", comma)
        #expect((try? comma.lean.get()) == nil)
        let bom = Self.decide([0xEF, 0xBB, 0xBF] + Array(Self.real.utf8))
        Self.checkConsistent("BOM", bom)
        #expect((try? bom.lean.get()) == nil)
        var bytes = Array(Self.real.replacingOccurrences(of: "\"schemaVersion\": 1", with: "\"x\" : \"ab\", \"schemaVersion\": 1").utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "x"))! + 5
        bytes[at] = 0xC3  // a lead byte followed by a quote
        let invalid = Self.decide(bytes)
        Self.checkConsistent("invalid UTF-8", invalid)
        #expect((try? invalid.lean.get()) == nil)
    }

    @Test func escapesAndUnknownIdsAreReadAsJSONDecoderReadsThem() throws {
        let text = Self.real
            .replacingOccurrences(of: "\"release\": \"6.1.0-56-cloud-amd64\"", with: #""release": "6.1.0-\u001b[31mred\ud83d\ude00""#)
            .replacingOccurrences(of: "\"move.newIfindex\"", with: #""move.from\u0054heFuture""#)
            .replacingOccurrences(of: "\"facts\": {", with: #""facts": {"osRelease": {"id": "deb\"ian", "versionId": null},"#)
        let d = Self.decide(Array(text.utf8))
        Self.checkSameDecision("escapes", d)
        let lean = try d.lean.get()
        #expect(lean.release == "6.1.0-\u{1b}[31mred😀")
        #expect(lean.unknownCapabilities == ["move.fromTheFuture"])
        #expect(lean.state(.moveNewIfindex) == nil)
        #expect(lean.distroID == "deb\"ian" && lean.versionID == nil && lean.distroKernelVersion == "Debian 6.1.192-2")
    }

    @Test func theStructuralNastinessOfOldIsRefused() {
        for text in ["", "null", "{}", "[]", Self.real + " {}", Self.real.replacingOccurrences(of: "true", with: "tru"),
                     #"{"schemaVersion":1,"kernel":{"release":"x"}}"#, "{\"schemaVersion\":1}\u{0}"] {
            let d = Self.decide(Array(text.utf8))
            Self.checkSameDecision(String(text.prefix(40)), d)
            #expect((try? d.lean.get()) == nil)
        }
    }
}
