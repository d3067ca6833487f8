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
        let names: [String]
        do { names = try directoryEntries("/proc/self/fd", skippingOwnDescriptor: true) } catch {
            return [(-1, "cannot list /proc/self/fd: \(error.nameAndMessage)")]
        }
        return names.compactMap { name -> (fd: Int32, target: String)? in
            guard let fd = Int32(name) else { return nil }
            do throws(Errno) { return (fd, try symbolicLinkTarget("/proc/self/fd/\(name)")) } catch { return (fd, "? (\(error.name))") }
        }.sorted { $0.fd < $1.fd }
    }
}
