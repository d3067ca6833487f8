import Glibc
import SystemPackage

extension FileDescriptor {
    /// Opens `path` close-on-exec (swift-system retries on EINTR), typed.
    public static func open(_ path: String, _ mode: AccessMode, options: OpenOptions = [],
                            permissions: FilePermissions? = nil) throws(Errno) -> FileDescriptor {
        try withErrno {
            try path.withCString { try FileDescriptor.open($0, mode, options: options.union(.closeOnExec), permissions: permissions) }
        }
    }

    /// Everything readable until end of file (files, pipes, stdin). Interrupted reads are retried by
    /// swift-system; a failed read throws its errno, and more than `limit` bytes throws EFBIG.
    public func readToEnd(limit: Int = .max) throws(Errno) -> [UInt8] {
        var bytes: [UInt8] = []
        // Not zero-filled: an array of 64 KiB zeros cost every read (stdin, the cache, state records) a
        // memset and the page faults of touching it, for bytes read() overwrites anyway.
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let n = try withErrno { try read(into: chunk) }
            if n == 0 { return bytes }
            bytes += chunk[..<n]
            if bytes.count > limit { throw .fileTooLarge }
        }
    }

    /// Writes all of `bytes`: swift-system's `write` retries interrupted writes, short ones are continued
    /// here. Not swift-system's `writeAll`: generic over Sequence and not inlinable, it makes a fresh process
    /// instantiate metadata at run time, a scan of every protocol conformance in the binary (~190,000
    /// instructions on the cached `linkcaps probe --json`, measured).
    public func write(all bytes: UnsafeRawBufferPointer) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(start: bytes.baseAddress! + offset, count: bytes.count - offset)
            let written = try withErrno { try write(rest) }
            if written == 0 { throw .ioError }
            offset += written
        }
    }

    /// `write(all:)` for bytes in an array (a closure of withUnsafeBytes would lose the error's type).
    public func write(all bytes: [UInt8]) throws(Errno) {
        var failure: Errno?
        bytes.withUnsafeBytes { buffer in
            do throws(Errno) { try write(all: buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// `write(all:)` for a string's UTF-8.
    public func write(all text: String) throws(Errno) {
        var text = text
        var failure: Errno?
        text.withUTF8 { buffer in
            do throws(Errno) { try write(all: UnsafeRawBufferPointer(buffer)) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Closes, ignoring the result: Linux releases the descriptor even when close reports an error.
    public func closeQuietly() { _ = try? close() }
}

/// A whole file; throws the errno of the open or the read, or EFBIG past `limit` bytes.
public func readAll(path: String, limit: Int = .max) throws(Errno) -> [UInt8] {
    let file = try FileDescriptor.open(path, .readOnly)
    defer { file.closeQuietly() }
    return try file.readToEnd(limit: limit)
}
