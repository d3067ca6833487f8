import Glibc

/// Everything readable from `fd` until end of file, or nil on a read error or past `limit` bytes (files,
/// pipes, stdin). Interrupted reads are retried.
public func readAll(fd: Int32, limit: Int = .max) -> [UInt8]? {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { buffer in retryingWhileInterrupted { read(fd, buffer.baseAddress, buffer.count) } }
        if n < 0 { return nil }
        if n == 0 { return bytes }
        bytes += chunk[..<n]
        if bytes.count > limit { return nil }
    }
}

/// A whole file (nil when it cannot be opened or read, or is larger than `limit`).
public func readAll(path: String, limit: Int = .max) -> [UInt8]? {
    let fd = retryingWhileInterrupted { open(path, O_RDONLY | O_CLOEXEC) }
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    return readAll(fd: fd, limit: limit)
}

/// Writes all of `bytes`; false with errno set on failure. Interrupted and short writes are continued.
@discardableResult
public func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = retryingWhileInterrupted { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
        if written <= 0 { return false }
        offset += written
    }
    return true
}
