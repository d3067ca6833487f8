import Glibc
import SystemCalls
import SystemPackage

/// A documented test-only hook: with LINKCAPS_TEST_FD_REPORT=<path> the plugin writes, as it exits, the
/// descriptors it held when it started and those it holds as it exits, one per line ("start 5
/// socket:[1234]", "exit 5 socket:[1234]"), so that tests count the plugin's own descriptors (what it
/// opened and kept) rather than their own or what the caller passed down. Never set it in production.
public struct DescriptorReport {
    public static let environmentVariable = "LINKCAPS_TEST_FD_REPORT"

    let path: String?
    let atStart: [(fd: Int32, target: String)]

    /// Lists the inherited descriptors now, when asked to report (call it first thing).
    public init(_ environment: [String: String]) {
        path = CNIEnvironment.variable(Self.environmentVariable, in: environment)
        atStart = path == nil ? [] : Self.open()
    }

    public func writeIfAsked() {
        guard let path else { return }
        let text = atStart.map { "start \($0.fd) \($0.target)\n" }.joined() + Self.open().map { "exit \($0.fd) \($0.target)\n" }.joined()
        guard let file = try? FileDescriptor.open(path, .writeOnly, options: [.create, .truncate],
                                                  permissions: FilePermissions(rawValue: 0o600)) else { return }
        try? file.write(all: text)
        file.closeQuietly()
    }

    /// The descriptors this process has open, with what each refers to (the listing's own left out).
    public static func open() -> [(fd: Int32, target: String)] {
        guard let dir = opendir("/proc/self/fd") else { return [] }
        defer { closedir(dir) }
        let own = dirfd(dir)
        var result: [(Int32, String)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), fd != own else { continue }
            result.append((fd, readLink("/proc/self/fd/\(name)") ?? "?"))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
