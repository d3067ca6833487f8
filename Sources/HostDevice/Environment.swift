import Glibc

/// The CNI_* variables of one invocation, checked the way the spec asks.
public struct CNIEnvironment: Sendable {
    public enum Command: String, Sendable { case add = "ADD", del = "DEL", check = "CHECK", version = "VERSION",
                                            status = "STATUS", gc = "GC" }

    public var command: Command
    public var containerID: String
    public var netns: String?
    public var ifname: String
    public var args: String
    public var path: [String]

    public static func variable(_ name: String, in env: [String: String]) -> String? {
        env[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static func read(_ env: [String: String]) throws(CNIError) -> CNIEnvironment {
        guard let raw = env["CNI_COMMAND"], !raw.isEmpty else {
            throw CNIError(.invalidEnvironment, "CNI_COMMAND is not set")
        }
        guard let command = Command(rawValue: raw) else {
            throw CNIError(.invalidEnvironment, "unknown CNI_COMMAND \"\(raw)\"",
                           details: "expected ADD, DEL, CHECK, VERSION, STATUS or GC")
        }
        var result = CNIEnvironment(command: command, containerID: variable("CNI_CONTAINERID", in: env) ?? "",
                                    netns: variable("CNI_NETNS", in: env), ifname: env["CNI_IFNAME"] ?? "",
                                    args: env["CNI_ARGS"] ?? "",
                                    path: (env["CNI_PATH"] ?? "").split(separator: ":").map(String.init))
        switch command {
        case .add, .check, .del:
            guard !result.containerID.isEmpty else { throw CNIError(.invalidEnvironment, "CNI_CONTAINERID is not set") }
            if command != .del && result.netns == nil { throw CNIError(.invalidEnvironment, "CNI_NETNS is not set") }
            try validateInterfaceName(result.ifname)
        case .version, .status, .gc:
            result.ifname = ""
        }
        return result
    }

    /// The kernel's rules for a link name (dev_valid_name), as the spec asks plugins to enforce.
    public static func validateInterfaceName(_ name: String) throws(CNIError) {
        if name.isEmpty { throw CNIError(.invalidEnvironment, "CNI_IFNAME is not set or empty") }
        if name.utf8.count > 15 {
            throw CNIError(.invalidEnvironment, "interface name \"\(name)\" is longer than 15 bytes")
        }
        if name == "." || name == ".." { throw CNIError(.invalidEnvironment, "interface name cannot be \"\(name)\"") }
        if name.unicodeScalars.contains(where: { $0 == "/" || $0 == ":" || $0.properties.isWhitespace }) {
            throw CNIError(.invalidEnvironment, "interface name \"\(name)\" contains / or : or whitespace")
        }
    }

    /// The process environment as a dictionary.
    public static var process: [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }
}
