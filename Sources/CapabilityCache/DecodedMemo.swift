import Capabilities
import Glibc
import Synchronization

/// Identifies one version of a cache file: writes replace the file by rename (new inode), and any change in
/// place moves size/mtime/ctime. Checked after the trust checks on the open file, never instead of them.
struct FileStamp: Equatable {
    var path: String
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    init(path: String, _ info: stat) {
        self.path = path
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim
        changed = info.st_ctim
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.path == b.path && a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }
}

/// The last report decoded in this process, by file version: a long-lived caller asking again pays for
/// open + fstat, not for JSON decoding (≈ 250 µs for a full report).
final class DecodedMemo: Sendable {
    static let shared = DecodedMemo()

    private let entry = Mutex<(FileStamp, Report)?>(nil)

    private init() {}

    func report(for stamp: FileStamp) -> Report? {
        entry.withLock { entry in
            guard let entry, entry.0 == stamp else { return nil }
            return entry.1
        }
    }

    func remember(_ report: Report, for stamp: FileStamp) {
        entry.withLock { $0 = (stamp, report) }
    }
}
