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
    /// CNI_ARGS as KEY=VALUE pairs (the plugin reads none of them, but refuses a malformed list).
    public var argPairs: [(key: String, value: String)] = []
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
        result.argPairs = try parseArgs(result.args)
        switch command {
        case .add, .check, .del:
            guard !result.containerID.isEmpty else { throw CNIError(.invalidEnvironment, "CNI_CONTAINERID is not set") }
            if let problem = InputCheck.cniName(result.containerID, limit: 255) {
                throw CNIError(.invalidEnvironment, "CNI_CONTAINERID \(InputCheck.shown(result.containerID)) \(problem)")
            }
            if command != .del && result.netns == nil { throw CNIError(.invalidEnvironment, "CNI_NETNS is not set") }
            if let netns = result.netns, let problem = InputCheck.text(netns, limit: 4095) {
                throw CNIError(.invalidEnvironment, "CNI_NETNS \(problem)")
            }
            try validateInterfaceName(result.ifname)
        case .version, .status, .gc:
            result.ifname = ""
        }
        return result
    }

    /// The kernel's rules for a link name (dev_valid_name), as the spec asks plugins to enforce.
    public static func validateInterfaceName(_ name: String) throws(CNIError) {
        if name.isEmpty { throw CNIError(.invalidEnvironment, "CNI_IFNAME is not set or empty") }
        if let problem = InputCheck.linkName(name) {
            throw CNIError(.invalidEnvironment, "interface name \(InputCheck.shown(name)) \(problem)")
        }
    }

    /// CNI_ARGS: "KEY=VALUE;KEY=VALUE" (empty items are allowed; a value may hold "=").
    static func parseArgs(_ text: String) throws(CNIError) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        for item in text.split(separator: ";", omittingEmptySubsequences: true) {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw CNIError(.invalidEnvironment, "CNI_ARGS holds \(InputCheck.shown(String(item))), not KEY=VALUE")
            }
            pairs.append((String(item[..<equals]), String(item[item.index(after: equals)...])))
        }
        return pairs
    }

    /// The process environment as a dictionary.
    /// Split at the first "=" by bytes and sized up front: splitting by Character and growing the dictionary
    /// cost a fresh process about 0.5 M instructions with a shell's environment (callgrind).
    public static var process: [String: String] {
        var count = 0
        while environ[count] != nil { count += 1 }
        var result: [String: String] = Dictionary(minimumCapacity: count)
        for i in 0..<count {
            guard let entry = environ[i], let equals = strchr(entry, Int32(UInt8(ascii: "="))) else { continue }
            let key = UnsafeRawBufferPointer(start: entry, count: equals - entry)
            result[String(decoding: key, as: UTF8.self)] = String(cString: equals + 1)
        }
        return result
    }
}
