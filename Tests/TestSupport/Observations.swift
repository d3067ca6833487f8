import Foundation
import JSONText

/// The kernels' observations (matrix/observations), which hold each real report once: the suites of
/// several targets start from them, and the targets below Matrix cannot decode an Observation.
public enum Observations {
    /// This machine's observation (the one `scripts/observe --host` wrote: its kernel's source is "host").
    /// Found by that mark, not by name, so a new build of this machine's kernel needs no edit in a suite.
    public static let host: (path: String, release: String) = {
        let dir = TestEnvironment.repository + "/matrix/observations"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }
        let hosts = files.sorted().compactMap { file -> (String, String)? in
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + file)),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let kernel = object["kernel"] as? [String: Any], kernel["source"] as? String == "host",
                  let release = kernel["release"] as? String else { return nil }
            return ("matrix/observations/\(file)", release)
        }
        precondition(hosts.count == 1, "expected one observation of this machine (kernel.source \"host\"), found \(hosts)")
        return hosts[0]
    }()

    /// The report of the kernel `release` observed, its bytes exactly as stored.
    public static func report(_ release: String) throws -> [UInt8] {
        let path = TestEnvironment.repository + "/matrix/observations/\(release).json"
        guard let report = member("report", of: Array(try Data(contentsOf: URL(fileURLWithPath: path)))) else {
            throw MissingMember(path: path, name: "report")
        }
        return report
    }

    /// The raw bytes of a top-level member (an observation's report), cut out of the document unchanged.
    public static func member(_ name: String, of document: [UInt8]) -> [UInt8]? {
        document.withUnsafeBytes { buffer -> [UInt8]? in
            var scanner = JSONScanner(buffer)
            var found: [UInt8]?
            try? scanner.object { scanner, key in
                _ = scanner.peek()
                let start = scanner.at
                try scanner.skipValue()
                if scanner.equals(key, Array(name.utf8)) { found = Array(buffer[start..<scanner.at]) }
            }
            return found
        }
    }

    public struct MissingMember: Error {
        public let path: String
        public let name: String
    }
}
