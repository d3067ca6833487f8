import CapabilityCache
import Capabilities
import Foundation
import Glibc
import Testing
import TestSupport

/// A cache file that cannot be trusted is ignored and replaced, never believed and never a crash.
struct CacheTamperTests {
    /// Primes a cache, applies `tamper` to its file, and checks that the next answer is a fresh probe and
    /// that a trustworthy file replaced the tampered one.
    func expectReplaced(_ what: String, _ tamper: (String) throws -> Void) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let probe = FakeProbe(key: TestKeys.a)
        let cache = TestKeys.cache(directory, probe: probe)
        _ = try cache.report()
        let file = try #require(cacheFile(in: directory))
        try tamper(file)
        guard case .ignored(let reason) = cache.inspect() else {
            Issue.record("\(what): the tampered file was not ignored: \(cache.inspect())")
            return
        }
        let answer = try cache.report()
        #expect(answer.source == .probe && probe.runs == 2, "\(what) (\(reason)) was trusted")
        guard case .valid = cache.inspect() else {
            Issue.record("\(what): not replaced by a good file: \(cache.inspect())")
            return
        }
    }

    @Test func corruptFile() throws {
        try expectReplaced("corrupt") { try Data("{\"key\": garbage".utf8).write(to: URL(fileURLWithPath: $0)) }
    }

    @Test func truncatedFile() throws {
        try expectReplaced("truncated") { path in
            var info = stat()
            stat(path, &info)
            #expect(truncate(path, info.st_size / 2) == 0)
        }
    }

    @Test func emptyFile() throws {
        try expectReplaced("empty") { #expect(truncate($0, 0) == 0) }
    }

    @Test(arguments: [0o666, 0o646, 0o664, 0o620])
    func writableByOthers(mode: Int) throws {
        try expectReplaced("mode \(String(mode, radix: 8))") { #expect(chmod($0, mode_t(mode)) == 0) }
    }

    @Test(.enabled(if: TestEnvironment.isRoot, "needs root to give the cache file to another user (chown)"))
    func ownedBySomeoneElse() throws {
        try expectReplaced("owned by nobody") { #expect(chown($0, 65534, 65534) == 0) }
    }

    @Test func symlinkToAGoodReport() throws {
        let elsewhere = TemporaryDirectory()
        defer { elsewhere.remove() }
        try expectReplaced("symlink") { path in
            // A perfectly valid report, reached through a symlink: still refused (O_NOFOLLOW).
            let target = elsewhere.path + "/planted.json"
            #expect(rename(path, target) == 0)
            #expect(symlink(target, path) == 0)
        }
        #expect(FileManager.default.fileExists(atPath: elsewhere.path + "/planted.json"), "the symlink's target was touched")
    }

    @Test func hardLinkedFile() throws {
        let elsewhere = TemporaryDirectory()
        defer { elsewhere.remove() }
        try expectReplaced("hard link") { #expect(link($0, elsewhere.path + "/second-name.json") == 0) }
    }

    @Test func directoryWritableByOthersIsRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.cache, 0o777) == 0 && chmod(directory.cache, 0o777) == 0)
        let probe = FakeProbe(key: TestKeys.a)
        #expect(throws: CapabilityCacheError.self) { try TestKeys.cache(directory, probe: probe).report() }
        #expect(probe.runs == 0)
    }

    @Test func directoryThatIsASymlinkIsRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        #expect(mkdir(directory.path + "/real", 0o700) == 0 && symlink(directory.path + "/real", directory.cache) == 0)
        let probe = FakeProbe(key: TestKeys.a)
        #expect(throws: CapabilityCacheError.self) { try TestKeys.cache(directory, probe: probe).report() }
    }

    @Test func newDirectoryIsPrivate() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        _ = try TestKeys.cache(directory, probe: FakeProbe(key: TestKeys.a)).report()
        var info = stat()
        #expect(lstat(directory.cache, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700 && info.st_uid == geteuid())
        let file = try #require(cacheFile(in: directory))
        #expect(lstat(file, &info) == 0 && info.st_mode & 0o777 == 0o644)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.cache).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
