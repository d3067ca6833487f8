import Foundation

/// Runs a program to completion and returns its status and output (for witnesses like iproute2 and for
/// running the built `linkcaps` binary as a user would).
public struct Subprocess {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Subprocess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0].hasPrefix("/") ? arguments[0] : "/usr/bin/env")
        process.arguments = arguments[0].hasPrefix("/") ? Array(arguments.dropFirst()) : arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Subprocess(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// The built CLI, next to the test bundle.
public enum BuiltBinary {
    public static var linkcaps: String {
        let debug = TestEnvironment.repository + "/.build/debug/linkcaps"
        return debug
    }
}
