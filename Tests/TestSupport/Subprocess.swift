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

/// A copy of a built binary that an unprivileged user can run: the repository may sit in a folder only
/// root can enter (a clone in /root is mode 0700), which the user cannot traverse. The copy lives in a
/// fresh private directory (0711: enterable, not listable) and is removed by `remove()`.
public struct UnprivilegedCopy {
    public let directory: String
    public let path: String

    public init(of binary: String) throws {
        var template = Array("/tmp/linkcaps-unprivileged.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw POSIXFailure(path: "/tmp/linkcaps-unprivileged.XXXXXX", code: errno)
        }
        directory = String(cString: made)
        path = directory + "/" + (binary.split(separator: "/").last.map(String.init) ?? "binary")
        do {
            guard chmod(directory, 0o711) == 0 else { throw POSIXFailure(path: directory, code: errno) }
            try FileManager.default.copyItem(atPath: binary, toPath: path)
            guard chmod(path, 0o755) == 0 else { throw POSIXFailure(path: path, code: errno) }
        } catch {
            remove()
            throw error
        }
    }

    public func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
