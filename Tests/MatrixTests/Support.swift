import Foundation
import XCTest

/// Paths and processes the Matrix tests share. Files are found from #filePath, so tests run from anywhere.
enum Support {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let testsDir = packageRoot.appendingPathComponent("Tests/MatrixTests")

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: packageRoot.appendingPathComponent(relative)))
    }

    /// This machine's observation (the one `scripts/observe --host` wrote: its kernel's source is "host"),
    /// the real report the audit and NFD tests start from. Found by that mark, not by name, so a new build
    /// of this machine's kernel needs no edit here.
    static let hostObservation: (path: String, release: String) = {
        let dir = packageRoot.appendingPathComponent("matrix/observations")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }
        let hosts = files.sorted().compactMap { file -> (String, String)? in
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(file)),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let kernel = object["kernel"] as? [String: Any], kernel["source"] as? String == "host",
                  let release = kernel["release"] as? String else { return nil }
            return ("matrix/observations/\(file)", release)
        }
        precondition(hosts.count == 1, "expected one observation of this machine (kernel.source \"host\"), found \(hosts)")
        return hosts[0]
    }()

    /// The linkcaps executable SwiftPM built beside the test bundle.
    static var linkcaps: URL {
        var dir = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("linkcaps").path) {
            dir = packageRoot.appendingPathComponent(".build/debug")
        }
        return dir.appendingPathComponent("linkcaps")
    }

    final class Marker {}

    /// Runs a program in the package root (or `directory`); returns (status, stdout, stderr).
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], stdin: Data? = nil,
                    environment: [String: String]? = nil, directory: URL? = nil) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        if let environment { process.environment = environment }
        // Output goes to files, so neither side can block on a full pipe while stdin is written.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("linkcaps-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Compares with Golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead.
    static func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = testsDir.appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, expected, "\(name) differs from its golden (UPDATE_GOLDEN=1 swift test to accept)",
                       file: file, line: line)
    }
}
