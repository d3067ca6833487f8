import Foundation
import Glibc

/// Runs a program to completion and returns its status and output: witnesses like iproute2, the built
/// `linkcaps` and plugin binaries run as a user or a runtime would, shell steps of a test's set-up.
public struct Subprocess: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// The child died of a signal (`status` is then the signal's number, as Process reports it).
    public var crashed: Bool

    public init(status: Int32, stdout: String, stderr: String = "", crashed: Bool = false) {
        self.status = status; self.stdout = stdout; self.stderr = stderr; self.crashed = crashed
    }

    /// `arguments[0]` is a path, or a name looked up on the PATH. `stdin` is written from another thread and
    /// both outputs are drained together, so a child that writes much to either (or reads much) never
    /// waits on us; `mergingStderr` gives stderr the stdout pipe, as a shell's `2>&1` would.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String]? = nil, stdin: [UInt8]? = nil,
                           directory: String? = nil, mergingStderr: Bool = false) throws -> Subprocess {
        let process = Process()
        let byPath = arguments[0].hasPrefix("/")
        process.executableURL = URL(fileURLWithPath: byPath ? arguments[0] : "/usr/bin/env")
        process.arguments = byPath ? Array(arguments.dropFirst()) : arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = mergingStderr ? out : err
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        // Our copies of the child's ends: kept open, a pipe would never report its end.
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()
        try? input.fileHandleForReading.close()
        let writer = stdin.map { bytes in
            let thread = Thread {
                try? input.fileHandleForWriting.write(contentsOf: Data(bytes))
                try? input.fileHandleForWriting.close()
            }
            thread.start()
            return thread
        }
        var streams: [(fd: Int32, bytes: [UInt8])] = [(out.fileHandleForReading.fileDescriptor, [])]
        if !mergingStderr { streams.append((err.fileHandleForReading.fileDescriptor, [])) }
        drain(&streams)
        process.waitUntilExit()
        while let writer, !writer.isFinished { usleep(1_000) }
        return Subprocess(status: process.terminationStatus, stdout: String(decoding: streams[0].bytes, as: UTF8.self),
                          stderr: streams.count > 1 ? String(decoding: streams[1].bytes, as: UTF8.self) : "",
                          crashed: process.terminationReason == .uncaughtSignal)
    }

    /// Reads every descriptor to its end, whichever has something first.
    private static func drain(_ streams: inout [(fd: Int32, bytes: [UInt8])]) {
        var open = Set(streams.indices)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let order = open.sorted()
            var polled = order.map { pollfd(fd: streams[$0].fd, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), -1) >= 0 else {
                if errno == EINTR { continue }
                return
            }
            for (slot, index) in order.enumerated() where polled[slot].revents != 0 {
                let count = read(streams[index].fd, &chunk, chunk.count)
                if count > 0 { streams[index].bytes += chunk[..<count] }
                else if count == 0 || errno != EINTR { open.remove(index) }
            }
        }
    }

    /// A shell command's status and its stdout and stderr together; status -1 (the reason as output) when
    /// /bin/sh could not be started.
    @discardableResult
    public static func shell(_ command: String) -> (status: Int32, output: String) {
        do {
            let run = try run(["/bin/sh", "-c", command], mergingStderr: true)
            return (run.status, run.stdout)
        } catch {
            return (-1, "cannot run /bin/sh: \(error)")
        }
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
