import Glibc

/// Everything readable from `fd` until end of file (files, pipes, stdin). Interrupted reads are retried;
/// a failed read throws its errno, and more than `limit` bytes throws EFBIG.
public func readAll(fd: Int32, limit: Int = .max) throws(Errno) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { buffer in retryingWhileInterrupted { read(fd, buffer.baseAddress, buffer.count) } }
        if n < 0 { throw .current }
        if n == 0 { return bytes }
        bytes += chunk[..<n]
        if bytes.count > limit { throw .EFBIG }
    }
}

/// A whole file; throws the errno of the open or the read, or EFBIG past `limit` bytes.
public func readAll(path: String, limit: Int = .max) throws(Errno) -> [UInt8] {
    let fd = try retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }
    defer { close(fd) }
    return try readAll(fd: fd, limit: limit)
}

/// Writes all of `bytes`: interrupted and short writes are continued; a failed write throws its errno.
public func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
    var offset = 0
    while offset < bytes.count {
        let written = try retryingOnInterrupt { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
        if written == 0 { throw .EIO }
        offset += written
    }
}

/// `writeAll` for bytes held in an array (the closure of withUnsafeBytes would lose the error's type).
public func writeAll(fd: Int32, _ bytes: [UInt8]) throws(Errno) {
    var failure: Errno?
    bytes.withUnsafeBytes { buffer in
        do throws(Errno) { try writeAll(fd: fd, buffer) } catch { failure = error }
    }
    if let failure { throw failure }
}
