import Glibc
import SystemCalls
import SystemPackage

/// The cache directory: made 0700 by us when missing; used only if it is a real directory (not a
/// symlink), ours, and writable by nobody else — otherwise anyone could plant or swap files in it.
enum CacheDirectory {
    static let defaultPath = "/run/linkcaps"
    static let environmentVariable = "LINKCAPS_CACHE_DIR"

    /// An explicit path wins, then LINKCAPS_CACHE_DIR, then /run/linkcaps.
    static func resolve(_ explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let value = getenv(environmentVariable), value.pointee != 0 { return String(cString: value) }
        return defaultPath
    }

    static func prepare(_ path: String) throws(CapabilityCacheError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .unusableDirectory(path: path, reason: "mkdir: \(Errno.current.nameAndMessage)")
        }
        try check(path)
    }

    static func check(_ path: String) throws(CapabilityCacheError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw .unusableDirectory(path: path, reason: "lstat: \(Errno.current.nameAndMessage)")
        }
        if info.st_mode & S_IFMT == S_IFLNK { throw .unusableDirectory(path: path, reason: "is a symlink") }
        if let problem = trustProblem(info, expectDirectory: true) {
            throw .unusableDirectory(path: path, reason: problem)
        }
    }
}
