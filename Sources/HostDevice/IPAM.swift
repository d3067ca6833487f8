import Glibc
import Netlink

/// Delegation to an IPAM plugin: executed from CNI_PATH with our stdin and environment, as the spec says.
enum IPAM {
    static func run(_ type: String, command: String, config: [UInt8], environment: [String: String],
                    path: [String]) throws(CNIError) -> JSON? {
        let executable = try locate(type, path: path)
        var env = environment
        env["CNI_COMMAND"] = command
        let (status, output) = try spawn(executable, input: config, environment: env)
        let json = output.isEmpty ? nil : try? JSON.parse(output)
        guard status == 0 else {
            let code = json?["code"]?.int.flatMap(CNIError.Code.init(rawValue:)) ?? .generic
            throw CNIError(code, "IPAM plugin \(type) failed: \(json?["msg"]?.string ?? "exit status \(status)")",
                           details: json?["details"]?.string)
        }
        if command == "ADD" && json == nil { throw CNIError(.decodeFailure, "IPAM plugin \(type) returned no result") }
        return json
    }

    /// The IPAM executable in CNI_PATH; ADD looks before anything moves.
    static func locate(_ type: String, path: [String]) throws(CNIError) -> String {
        guard let executable = path.map({ $0 + "/" + type }).first(where: { access($0, X_OK) == 0 }) else {
            throw CNIError(.invalidConfig, "IPAM plugin \"\(type)\" not found in CNI_PATH")
        }
        return executable
    }

    /// Runs a program with stdin from `input`; returns its exit status and stdout.
    static func spawn(_ executable: String, input: [UInt8], environment: [String: String]) throws(CNIError) -> (Int32, [UInt8]) {
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0 else {
            throw CNIError(.ioFailure, "pipe: \(String(cString: strerror(errno)))")
        }
        // Close-on-exec, so the child keeps only its dup2'd stdin and stdout (glibc hides pipe2 from Swift).
        for fd in stdinPipe + stdoutPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(stdoutPipe[0])
            throw CNIError(.ioFailure, "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        // IPAM configs are small (well under a pipe buffer), so writing all before reading cannot deadlock.
        _ = input.withUnsafeBytes { writeAll(fd: stdinPipe[1], $0) }
        close(stdinPipe[1])
        let output = readAll(fd: stdoutPipe[0]) ?? []
        close(stdoutPipe[0])
        var status: Int32 = 0
        _ = retryingWhileInterrupted { waitpid(pid, &status, 0) }
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }
}
