import Glibc

/// What privileged suites need, and the reason printed when they are skipped. (No Swift Testing here: this
/// is a regular target, which `swift build` builds too, and its release configuration has no Testing.)
public enum TestEnvironment {
    public static let isRoot = geteuid() == 0
    public static let rootReason = "needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) for real namespaces and links; CI runs as root"

    /// The repository root, from this file's path.
    public static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    public static func fixture(_ relative: String) -> String { repository + "/Fixtures/" + relative }
}

public func readLines(_ path: String) throws -> [String] {
    guard let file = fopen(path, "r") else { throw POSIXFailure(path: path, code: errno) }
    defer { fclose(file) }
    var lines: [String] = []
    var buffer: UnsafeMutablePointer<CChar>?
    var capacity = 0
    while getline(&buffer, &capacity, file) > 0 {
        let line = String(cString: buffer!).trimmingCharacters(in: ["\n"])
        if !line.isEmpty && !line.hasPrefix("#") { lines.append(line) }
    }
    free(buffer)
    return lines
}

public struct POSIXFailure: Error {
    public let path: String
    public let code: Int32
    public init(path: String, code: Int32) { self.path = path; self.code = code }
}

extension String {
    public func trimmingCharacters(in set: Set<Character>) -> String {
        var slice = Substring(self)
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
