import Foundation
import Testing
import TestSupport

/// Paths and processes the Matrix tests share. Files are found from #filePath, so tests run from anywhere.
enum Support {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let testsDir = packageRoot.appendingPathComponent("Tests/MatrixTests")

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: packageRoot.appendingPathComponent(relative)))
    }

    /// This machine's observation, the real report the audit tests start from (TestSupport's Observations.host).
    static var hostObservation: (path: String, release: String) { Observations.host }

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
        let run = try Subprocess.run([executable.path] + arguments, environment: environment, stdin: Array(stdin ?? Data()),
                                     directory: (directory ?? packageRoot).path)
        return (run.status, run.stdout, run.stderr)
    }

    /// Compares with Golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead. Outside a Swift Testing test
    /// (an XCTest case) a difference is also thrown, so that it fails there too.
    static func assertGolden(_ text: String, _ name: String, fileID: String = #fileID, filePath: String = #filePath,
                             line: Int = #line, column: Int = #column) throws {
        let url = testsDir.appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        let message = "\(name) differs from its golden (UPDATE_GOLDEN=1 swift test to accept)"
        #expect(text == expected, "\(message)",
                sourceLocation: SourceLocation(fileID: fileID, filePath: filePath, line: line, column: column))
        if text != expected && Test.current == nil { throw GoldenMismatch(description: message) }
    }

    struct GoldenMismatch: Error, CustomStringConvertible { let description: String }
}
