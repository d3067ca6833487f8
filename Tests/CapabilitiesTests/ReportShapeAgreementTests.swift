@testable import Capabilities
import Foundation
import Testing
import TestSupport

/// The report format is stated three times: Report's Codable types, ReportShape (what ReportReader walks)
/// and schemas/report.schema.json. Each is turned into the same tree — every object's members, each one
/// required or optional (absent or null), each value's type, an enumeration's values — and the three
/// trees must be equal: a member one of them gains, loses or types differently fails here, naming where.
@Suite struct ReportShapeAgreementTests {
    /// The Codable types, as their `init(from:)` asks for members.
    static var codable: MemberType { try! Recorder.record(Report.self) }

    /// ReportShape, as ReportReader walks it.
    static var shape: MemberType { type(.object(ReportShape.report)) }

    static func type(_ shape: ValueShape) -> MemberType {
        switch shape {
        case .string: return .string
        case .integer, .int32: return .integer
        case .number: return .number
        case .bool: return .bool
        case .oneOf(let values, _): return .enumeration(Set(values))
        case .object(let object): return objectType(object)
        case .array(let element): return .array(type(element))
        case .map(let element): return .map(type(element))
        case .capabilities(let result): return .map(objectType(result))
        }
    }

    static func objectType(_ object: ObjectShape) -> MemberType {
        .object(Dictionary(uniqueKeysWithValues: object.fields.map { ($0.name, Member(optional: $0.optional, type: type($0.value))) }))
    }

    /// The JSON Schema: `$ref`s followed, a member optional when it is not `required`, and then it must
    /// also admit null (the Codable Optionals decode null as absent; a schema that refused it would refuse
    /// reports every reader takes).
    static var schema: [String: Any] {
        let data = FileManager.default.contents(atPath: TestEnvironment.repository + "/schemas/report.schema.json")!
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    struct SchemaProblem: Error, CustomStringConvertible { let description: String }

    static func resolve(_ node: [String: Any]) -> [String: Any] {
        guard let reference = node["$ref"] as? String else { return node }
        let name = String(reference.dropFirst("#/$defs/".count))
        var target = resolve((schema["$defs"] as! [String: Any])[name] as! [String: Any])
        for (key, value) in node where key != "$ref" { target[key] = value }
        return target
    }

    /// The node's type and whether it admits null.
    static func schemaType(_ raw: [String: Any], at path: String) throws -> (MemberType, nullable: Bool) {
        let node = resolve(raw)
        if let choices = node["oneOf"] as? [[String: Any]] {
            let resolved = choices.map(resolve)
            let nonNull = resolved.filter { $0["type"] as? String != "null" }
            guard nonNull.count == 1 else { throw SchemaProblem(description: "\(path): a oneOf of \(nonNull.count) non-null choices") }
            return (try schemaType(nonNull[0], at: path).0, nonNull.count < resolved.count)
        }
        if let values = node["enum"] as? [Any] {
            return (.enumeration(Set(values.compactMap { $0 as? String })), values.contains { $0 is NSNull })
        }
        if let constant = node["const"] {
            return (constant is String ? .string : .integer, false)
        }
        let types: [String] = (node["type"] as? [String]) ?? [(node["type"] as? String)].compactMap { $0 }
        let nonNull = types.filter { $0 != "null" }
        guard nonNull.count == 1 else { throw SchemaProblem(description: "\(path): type \(types)") }
        let nullable = nonNull.count < types.count
        switch nonNull[0] {
        case "string": return (.string, nullable)
        case "integer": return (.integer, nullable)
        case "number": return (.number, nullable)
        case "boolean": return (.bool, nullable)
        case "array": return (.array(try schemaType(node["items"] as! [String: Any], at: path + "[]").0), nullable)
        case "object":
            if let properties = node["properties"] as? [String: [String: Any]] {
                let required = Set(node["required"] as? [String] ?? [])
                var members: [String: Member] = [:]
                for (name, property) in properties {
                    let (type, nullable) = try schemaType(property, at: path + "." + name)
                    let optional = !required.contains(name)
                    if optional && !nullable { throw SchemaProblem(description: "\(path).\(name): optional but does not admit null") }
                    members[name] = Member(optional: optional, type: type)
                }
                return (.object(members), nullable)
            }
            guard let element = node["additionalProperties"] as? [String: Any] else {
                throw SchemaProblem(description: "\(path): an object with neither properties nor additionalProperties")
            }
            return (.map(try schemaType(element, at: path + ".*").0), nullable)
        default:
            throw SchemaProblem(description: "\(path): type \(nonNull[0])")
        }
    }

    /// Where two trees differ, one line each (empty when they agree), in both directions.
    static func differences(_ a: MemberType, _ b: MemberType, _ names: (String, String), at path: String = "report") -> [String] {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            var lines: [String] = []
            for name in Set(x.keys).union(y.keys).sorted() {
                switch (x[name], y[name]) {
                case (let m?, let n?):
                    if m.optional != n.optional {
                        lines.append("\(path).\(name): \(m.optional ? "optional" : "required") in \(names.0), "
                                     + "\(n.optional ? "optional" : "required") in \(names.1)")
                    }
                    lines += differences(m.type, n.type, names, at: path + "." + name)
                case (_?, nil): lines.append("\(path).\(name): in \(names.0), not in \(names.1)")
                case (nil, _?): lines.append("\(path).\(name): in \(names.1), not in \(names.0)")
                case (nil, nil): break
                }
            }
            return lines
        case (.array(let x), .array(let y)): return differences(x, y, names, at: path + "[]")
        case (.map(let x), .map(let y)): return differences(x, y, names, at: path + ".*")
        default: return a == b ? [] : ["\(path): \(a) in \(names.0), \(b) in \(names.1)"]
        }
    }

    @Test func theCodableTypesAndReportShapeAgree() {
        let lines = Self.differences(Self.codable, Self.shape, ("the Codable types", "ReportShape"))
        #expect(lines.isEmpty, "\(lines.joined(separator: "\n"))")
    }

    @Test func theCodableTypesAndTheSchemaAgree() throws {
        let schema = try Self.schemaType(Self.schema, at: "report").0
        let lines = Self.differences(Self.codable, schema, ("the Codable types", "schemas/report.schema.json"))
        #expect(lines.isEmpty, "\(lines.joined(separator: "\n"))")
    }

    /// The walk itself can fail: trees that differ in a member, its optionality, its type or an
    /// enumeration's values are told apart, in both directions.
    @Test func aDifferenceInEitherDirectionIsFound() {
        let base = MemberType.object(["a": Member(optional: false, type: .string),
                                      "b": Member(optional: true, type: .array(.enumeration(["x", "y"])))])
        guard case .object(var members) = base else { return }
        #expect(Self.differences(base, base, ("1", "2")).isEmpty)
        members["c"] = Member(optional: true, type: .bool)
        #expect(Self.differences(base, .object(members), ("1", "2")) == ["report.c: in 2, not in 1"])
        #expect(Self.differences(.object(members), base, ("1", "2")) == ["report.c: in 1, not in 2"])
        members["c"] = nil
        members["a"] = Member(optional: true, type: .string)
        #expect(Self.differences(base, .object(members), ("1", "2")) == ["report.a: required in 1, optional in 2"])
        members["a"] = Member(optional: false, type: .integer)
        #expect(Self.differences(base, .object(members), ("1", "2")) == ["report.a: string in 1, integer in 2"])
        members["a"] = Member(optional: false, type: .string)
        members["b"] = Member(optional: true, type: .array(.enumeration(["x"])))
        #expect(Self.differences(base, .object(members), ("1", "2")) == [#"report.b[]: one of ["x", "y"] in 1, one of ["x"] in 2"#])
    }

    /// The recording reached the whole report: the deepest members of each part are in its tree.
    @Test func theRecordingReachesEveryPart() {
        guard case .object(let report) = Self.codable, case .map(.object(let result))? = report["capabilities"]?.type,
              case .object(let evidence)? = result["evidence"]?.type, case .array(.object(let event))? = evidence["source"]?.type,
              case .object(let facts)? = report["facts"]?.type, case .array(.object(let module))? = facts["modules"]?.type else {
            Issue.record("the recorded tree lacks a part: \(Self.codable)")
            return
        }
        #expect(event["event"]?.type == .enumeration(Set(LinkEventKind.allCases.map(\.rawValue))))
        #expect(module["state"]?.type == .enumeration(Set(HostFacts.Module.State.allCases.map(\.rawValue))))
        #expect(report["facts"]?.optional == true && report["bootId"]?.optional == false)
    }
}
