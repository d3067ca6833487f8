import Glibc
import SystemCalls
import SystemPackage
import Testing
import TestSupport

/// Whole-file reads say why they failed: the errno of the open or the read, EFBIG past the limit.
@Suite struct WholeReadTests {
    @Test func aMissingFileIsENOENTAndADirectoryEISDIR() {
        #expect(throws: Errno.noSuchFileOrDirectory) { try readAll(path: "/proc/self/linkcaps-no-such-file") }
        #expect(throws: Errno.isDirectory) { try readAll(path: "/proc/self") }
        #expect(readSmallFile("/proc/self/linkcaps-no-such-file") == nil)
    }

    /// procfs files report size 0: only reading to the end gets them whole.
    @Test func aProcfsFileIsReadWhole() throws {
        let status = try readAll(path: "/proc/self/status")
        #expect(String(decoding: status, as: UTF8.self).contains("\nPid:\t\(getpid())\n"))
        #expect(throws: Errno.fileTooLarge) { try readAll(path: "/proc/self/status", limit: 16) }
        #expect(readSmallFile("/proc/self/status", limit: 16) == nil)
    }

    @Test func writesAreWhole() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (reader, writer) = (FileDescriptor(rawValue: ends[0]), FileDescriptor(rawValue: ends[1]))
        defer { reader.closeQuietly() }
        try writer.write(all: "linkcaps\n")
        try writer.write(all: [0x00, 0xFF])
        writer.closeQuietly()
        #expect(try reader.readToEnd() == Array("linkcaps\n".utf8) + [0x00, 0xFF])
    }
}
