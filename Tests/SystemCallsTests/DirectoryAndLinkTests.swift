import Glibc
import SystemCalls
import SystemPackage
import Testing

/// A directory of its own under /tmp, removed with everything in it when the test ends.
private final class Scratch {
    let path: String
    init() throws {
        var template = Array("/tmp/linkcaps-syscalls-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw Errno.current }
        path = String(cString: template)
    }
    deinit {
        for name in (try? directoryEntries(path)) ?? [] {
            let entry = path + "/" + name
            if rmdir(entry) != 0 { unlink(entry) }
        }
        rmdir(path)
    }
    func file(_ name: String) throws(Errno) {
        let fd = try FileDescriptor.open(path + "/" + name, .writeOnly, options: [.create, .exclusiveCreate],
                                         permissions: FilePermissions(rawValue: 0o600))
        fd.closeQuietly()
    }
}

/// The errno a call failed with; nil when it succeeded (or threw something that is not an errno).
private func errno<T>(_ body: () throws -> T) -> Errno? {
    do { _ = try body(); return nil } catch { return error as? Errno }
}

@Suite struct DirectoryAndLinkTests {
    @Test func aLinkReadsBackAsWrittenNotResolved() throws {
        let scratch = try Scratch()
        #expect(symlink("../nowhere/drivers/virtio_net", scratch.path + "/driver") == 0)
        #expect(try symbolicLinkTarget(scratch.path + "/driver") == "../nowhere/drivers/virtio_net")
        #expect(readLink(scratch.path + "/driver") == "../nowhere/drivers/virtio_net")
    }

    @Test func theLongestTargetTheKernelStoresComesBackWhole() throws {
        let scratch = try Scratch()
        // Symlink targets are at most PATH_MAX - 1 bytes (the kernel refuses longer with ENAMETOOLONG).
        let target = String(repeating: "a/", count: (Int(PATH_MAX) - 1) / 2) + "b"
        #expect(target.utf8.count == Int(PATH_MAX) - 1)
        #expect(symlink(target, scratch.path + "/long") == 0, "\(Errno.current.name)")
        #expect(try symbolicLinkTarget(scratch.path + "/long") == target)
    }

    @Test func notALinkAndAbsentAreTheirErrnos() throws {
        let scratch = try Scratch()
        try scratch.file("plain")
        #expect(errno { try symbolicLinkTarget(scratch.path + "/plain") } == .invalidArgument)
        #expect(errno { try symbolicLinkTarget(scratch.path + "/absent") } == .noSuchFileOrDirectory)
        #expect(errno { try symbolicLinkTarget(scratch.path + "/plain/below") } == .notDirectory)
        #expect(readLink(scratch.path + "/absent") == nil)
    }

    @Test func aDirectoryListsItsEntriesWithoutDotAndDotDot() throws {
        let scratch = try Scratch()
        #expect(try directoryEntries(scratch.path).isEmpty)
        try scratch.file("one")
        try scratch.file(".hidden")
        #expect(mkdir(scratch.path + "/sub", 0o700) == 0)
        #expect(symlink("one", scratch.path + "/link") == 0)
        #expect(try directoryEntries(scratch.path).sorted() == [".hidden", "link", "one", "sub"])
    }

    @Test func aDirectoryThatCannotBeListedSaysWhy() throws {
        let scratch = try Scratch()
        try scratch.file("plain")
        #expect(errno { try directoryEntries(scratch.path + "/absent") } == .noSuchFileOrDirectory)
        #expect(errno { try directoryEntries(scratch.path + "/plain") } == .notDirectory)
    }

    @Test func theDescriptorListingLeavesItsOwnStreamOut() throws {
        let scratch = try Scratch()
        try scratch.file("held")
        let held = try FileDescriptor.open(scratch.path + "/held", .readOnly)
        defer { held.closeQuietly() }
        let listed = try directoryEntries("/proc/self/fd", skippingOwnDescriptor: true).compactMap { Int32($0) }
        #expect(listed.contains(held.rawValue))
        #expect(try symbolicLinkTarget("/proc/self/fd/\(held.rawValue)") == scratch.path + "/held")
    }
}
