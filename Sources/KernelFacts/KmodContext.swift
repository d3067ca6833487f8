import CKmod
import CKmodShims
import Glibc

/// A libkmod context over one module directory. libkmod prints to stderr unless given a log function;
/// ours keeps its lines (they end up in the report's facts) so that nothing reaches the terminal raw.
public final class KmodContext {
    let ctx: OpaquePointer
    /// The directory libkmod reads (its own default, /lib/modules/`uname -r`, when none was given).
    public let directory: String
    /// Whether this directory describes the running kernel: only then may /sys/module be consulted.
    public let describesRunningKernel: Bool
    /// 0, or the negative errno of kmod_load_resources (no module database: -ENOENT).
    public let loadError: Int32
    private let log: KmodLog

    public var hasDatabase: Bool { loadError == 0 }
    public var messages: [String] { log.lines }

    /// `directory` nil: the running kernel's modules. A fixture tree: pass its lib/modules/<release>.
    public init?(directory: String? = nil) {
        let log = KmodLog()
        guard let ctx = directory.map({ path in path.withCString { kmod_new($0, nil) } }) ?? kmod_new(nil, nil) else {
            return nil
        }
        self.ctx = ctx
        self.log = log
        lc_kmod_set_log_sink(ctx, kmodLogLine, Unmanaged.passUnretained(log).toOpaque())
        self.directory = kmod_get_dirname(ctx).map { String(cString: $0) } ?? directory ?? "?"
        describesRunningKernel = directory == nil
        loadError = kmod_load_resources(ctx)
    }

    deinit {
        lc_kmod_free_log_sink(ctx)
        kmod_unref(ctx)
    }
}

/// libkmod's log lines, kept in memory (bounded: a broken tree can log a line per lookup).
final class KmodLog {
    private(set) var lines: [String] = []
    static let limit = 32

    func append(_ line: String) {
        if lines.count < Self.limit { lines.append(line) }
    }
}

private let kmodLogLine: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?,
                                         UnsafePointer<CChar>?) -> Void = { data, priority, function, text in
    guard let data, let text else { return }
    var line = String(cString: text)
    while line.hasSuffix("\n") { line.removeLast() }
    let origin = function.map { String(cString: $0) } ?? "libkmod"
    Unmanaged<KmodLog>.fromOpaque(data).takeUnretainedValue().append("\(origin): \(line) (priority \(priority))")
}
