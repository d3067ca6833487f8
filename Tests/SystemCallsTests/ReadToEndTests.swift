import Glibc
import SystemCalls
import SystemPackage
import Testing

/// `readToEnd`, which reads the plugin's stdin, the cache file and the state records: every byte in order
/// across its 64 KiB reads, and EFBIG past the limit.
@Suite struct ReadToEndTests {
    /// A file holding `count` bytes of a pattern that never repeats at a 64 KiB period.
    func file(_ count: Int) throws -> (FileDescriptor, [UInt8]) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 251) }
        var template = Array("/tmp/linkcaps-readtoend.XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        try #require(fd >= 0)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let descriptor = FileDescriptor(rawValue: fd)
        try descriptor.write(all: bytes)
        _ = lseek(fd, 0, SEEK_SET)
        return (descriptor, bytes)
    }

    @Test(arguments: [0, 1, 65535, 65536, 65537, 200_000])
    func everyByteInOrder(count: Int) throws {
        let (fd, bytes) = try file(count)
        defer { try? fd.close() }
        #expect(try fd.readToEnd() == bytes)
    }

    @Test func pastTheLimitIsEFBIG() throws {
        let (fd, _) = try file(70_000)
        defer { try? fd.close() }
        #expect(throws: Errno.fileTooLarge) { try fd.readToEnd(limit: 65_536) }
        _ = lseek(fd.rawValue, 0, SEEK_SET)
        #expect(try fd.readToEnd(limit: 70_000).count == 70_000)
    }
}
