import Glibc
import SystemPackage

/// The target of the symbolic link at `path` as written (not resolved). readlink does not say when it cut
/// the target short, so a target that fills the PATH_MAX buffer is refused as ENAMETOOLONG rather than
/// returned truncated. Not a link: EINVAL; absent: ENOENT.
public func symbolicLinkTarget(_ path: String) throws(Errno) -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buffer, buffer.count)
    guard n >= 0 else { throw Errno.current }
    guard n < buffer.count else { throw .fileNameTooLong }
    return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The names in `directory`, "." and ".." left out, in the order readdir gives them. A failed opendir or
/// readdir throws its errno (readdir says so only through errno, so it is cleared before each call).
/// `skipping` leaves out the directory stream's own descriptor when the directory is /proc/self/fd.
public func directoryEntries(_ directory: String, skippingOwnDescriptor: Bool = false) throws(Errno) -> [String] {
    guard let dir = opendir(directory) else { throw Errno.current }
    defer { closedir(dir) }
    let own = skippingOwnDescriptor ? String(dirfd(dir)) : nil
    var names: [String] = []
    while true {
        Glibc.errno = 0
        guard let entry = readdir(dir) else {
            if Glibc.errno != 0 { throw Errno.current }
            return names
        }
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." && name != own { names.append(name) }
    }
}

/// `symbolicLinkTarget` for sysfs lookups where any failure means the same as absence (no driver bound, no
/// subsystem link): nil then.
public func readLink(_ path: String) -> String? {
    do { return try symbolicLinkTarget(path) } catch { return nil }
}
