import Capabilities
import Glibc
import SystemCalls

/// Test hook: with LINKCAPS_TEST_PROBE_COUNTER=<path>, every probe the cache runs appends one line
/// "<probe id> <pid>" to that file (O_APPEND: concurrent processes never interleave a line). The number of
/// lines is the number of probes; tests use it to prove that N cold callers caused one.
enum ProbeCounter {
    static let environmentVariable = "LINKCAPS_TEST_PROBE_COUNTER"

    static func record(_ report: Report) {
        guard let path = getenv(environmentVariable).map({ String(cString: $0) }), !path.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = "\(report.probe.id) \(getpid())\n"
        line.utf8CString.withUnsafeBytes { try? writeAll(fd: fd, UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
    }
}
