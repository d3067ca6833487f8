import Glibc
import JSONText

/// Delegation to an IPAM plugin: executed from CNI_PATH with our stdin and environment, as the spec says.
enum IPAM {
    /// An IPAM result is a few hundred bytes; this bounds what a broken plugin can make us hold.
    static let outputLimit = 4 << 20

    /// Runs the IPAM plugin for `command`. A SIGTERM, SIGINT or SIGHUP (blocked in the plugin, so it would
    /// otherwise wait unheard) ends it and throws — ADD then rolls back; only the release a rollback makes
    /// is not `interruptible`.
    static func run(_ type: String, command: String, config: [UInt8], environment: [String: String],
                    path: [String], interruptible: Bool = true) throws(CNIError) -> JSON? {
        let executable = try locate(type, path: path)
        var env = environment
        env["CNI_COMMAND"] = command
        let label = "IPAM plugin \(type) (\(command))"
        let child = try ChildProcess.spawn(executable, environment: env, label: label)
        let (termination, output) = try child.exchange(config, outputLimit: outputLimit, interruptible: interruptible)
        let json = output.isEmpty ? nil : try? JSON.parse(output)
        guard termination == .exited(0) else {
            let code = json?["code"]?.int.flatMap(CNIError.Code.init(rawValue:)) ?? .generic
            // Its own message when it exited with one; a death by signal is named instead.
            var message: String?
            if case .exited = termination { message = json?["msg"]?.string }
            throw CNIError(code, "\(label) failed: \(message ?? termination.description)",
                           details: json?["details"]?.string)
        }
        if command == "ADD" && json?.isObject != true {
            throw CNIError(.decodeFailure, "\(label) returned no result", details: output.isEmpty ? nil : InputCheck.shown(String(decoding: output, as: UTF8.self)))
        }
        return json
    }

    /// The IPAM executable in CNI_PATH; ADD looks before anything moves.
    static func locate(_ type: String, path: [String]) throws(CNIError) -> String {
        guard let executable = path.map({ $0 + "/" + type }).first(where: { access($0, X_OK) == 0 }) else {
            throw CNIError(.invalidConfig, "IPAM plugin \"\(type)\" not found in CNI_PATH")
        }
        return executable
    }
}
