import Capabilities
import Foundation
import TestSupport

/// Every report the repository holds, as bytes, with where it came from: the reports inside the
/// observations (the kernels' own, stored once), the audit's fleet files, the constructed reports of the policy tests, and the
/// report cases of schemas/tests (materialised from their JSON Patch, as scripts/check-schemas does).
enum ReportCorpus {
    struct Document {
        let name: String
        let bytes: [UInt8]
    }

    static let root = TestEnvironment.repository

    static func files(_ directory: String, suffix: String) -> [String] {
        let url = URL(fileURLWithPath: root + "/" + directory)
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { directory + "/" + $0 }
    }

    static func bytes(_ relative: String) -> [UInt8] {
        Array((try? Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))) ?? Data())
    }

    static let stored: [Document] = {
        var documents: [Document] = []
        for path in ["Tests/MatrixTests/Fleet/host-a/report.json"]
            + files("Tests/PolicyTests/Constructed", suffix: ".json") {
            documents.append(Document(name: path, bytes: bytes(path)))
        }
        for path in files("matrix/observations", suffix: ".json") {
            if let report = Observations.member("report", of: bytes(path)) { documents.append(Document(name: path + "#/report", bytes: report)) }
        }
        for path in ["Tests/MatrixTests/Fleet/fleet.jsonl", "Tests/MatrixTests/Fleet/broken.jsonl"] {
            let lines = bytes(path).split(separator: 0x0A, omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() where !line.isEmpty {
                documents.append(Document(name: "\(path):\(number + 1)", bytes: Array(line)))
            }
        }
        return documents
    }()

    /// The report cases of schemas/tests/{invalid,valid}.json, materialised.
    static let schemaCases: [Document] = {
        var documents: [Document] = []
        for file in ["schemas/tests/invalid.json", "schemas/tests/valid.json"] {
            guard let suite = try? JSONSerialization.jsonObject(with: Data(bytes(file))) as? [String: Any],
                  let cases = suite["cases"] as? [[String: Any]] else { continue }
            for item in cases where item["schema"] as? String == "report" {
                guard let document = materialise(item),
                      let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .fragmentsAllowed])
                else { continue }
                documents.append(Document(name: "\(file): \(item["name"] as? String ?? "?")", bytes: Array(data)))
            }
        }
        return documents
    }()

    static func materialise(_ item: [String: Any]) -> Any? {
        if let literal = item["document"] { return literal }
        guard let base = item["base"] as? String else { return nil }
        let parts = base.split(separator: "#", maxSplits: 1).map(String.init)
        guard var document = try? JSONSerialization.jsonObject(with: Data(bytes(parts[0]))) else { return nil }
        if parts.count == 2 { document = JSONPatch.get(document, pointer: parts[1]) ?? NSNull() }
        for operation in item["patch"] as? [[String: Any]] ?? [] {
            document = JSONPatch.apply(operation, to: document)
        }
        return document
    }
}

/// The JSON Patch operations the schema cases use (add, remove, replace, copy) over Foundation's values.
enum JSONPatch {
    static func tokens(_ pointer: String) -> [String] {
        pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ value: Any, pointer: String) -> Any? {
        var current: Any? = value
        for token in tokens(pointer) {
            if let object = current as? [String: Any] { current = object[token] }
            else if let array = current as? [Any], let index = Int(token), index < array.count { current = array[index] }
            else { return nil }
        }
        return current
    }

    static func apply(_ operation: [String: Any], to document: Any) -> Any {
        let path = tokens(operation["path"] as? String ?? "")
        switch operation["op"] as? String {
        case "remove": return set(document, path[...], to: nil)
        case "copy": return set(document, path[...], to: get(document, pointer: operation["from"] as? String ?? "") ?? NSNull())
        default: return set(document, path[...], to: operation["value"] ?? NSNull())
        }
    }

    /// The document with the value at `path` replaced (nil: removed); "-" appends to an array.
    static func set(_ node: Any, _ path: ArraySlice<String>, to value: Any?) -> Any {
        guard let token = path.first else { return value ?? NSNull() }
        let rest = path.dropFirst()
        if var object = node as? [String: Any] {
            if rest.isEmpty { object[token] = value } else { object[token] = set(object[token] ?? [String: Any](), rest, to: value) }
            return object
        }
        if var array = node as? [Any] {
            if token == "-" { if let value { array.append(value) }; return array }
            guard let index = Int(token), index < array.count else { return array }
            if rest.isEmpty {
                if let value { array[index] = value } else { array.remove(at: index) }
            } else {
                array[index] = set(array[index], rest, to: value)
            }
            return array
        }
        return node
    }
}
