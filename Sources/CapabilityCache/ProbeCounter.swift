import Capabilities
import Glibc
import SystemCalls
import SystemPackage

/// Test hook: with LINKCAPS_TEST_PROBE_COUNTER=<path>, every probe the cache runs appends one line
/// "<probe id> <pid>" to that file (O_APPEND: concurrent processes never interleave a line). The number of
/// lines is the number of probes; tests use it to prove that N cold callers caused one.
enum ProbeCounter {
    static let environmentVariable = "LINKCAPS_TEST_PROBE_COUNTER"

    static func record(_ report: Report) {
        guard let path = getenv(environmentVariable).map({ String(cString: $0) }), !path.isEmpty else { return }
        guard let file = try? FileDescriptor.open(path, .writeOnly, options: [.append, .create, .noFollow],
                                                  permissions: FilePermissions(rawValue: 0o600)) else { return }
        defer { file.closeQuietly() }
        try? file.write(all: "\(report.probe.id) \(getpid())\n")
    }
}
