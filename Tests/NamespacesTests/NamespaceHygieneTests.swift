import CShims
import Foundation
import Glibc
import Namespaces
import Netlink
import SystemCalls
import SystemPackage
import Testing
import TestSupport

/// The namespace thread never runs a signal handler, and the namespace calls close what they opened when
/// they fail.
@Suite(.serialized) struct NamespaceHygieneTests {
    /// The signals a thread blocks, from /proc (SigBlk, a hex mask: bit n-1 is signal n).
    static func blockedSignals(thread tid: Int32) throws -> UInt64 {
        let status = try String(contentsOfFile: "/proc/self/task/\(tid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("SigBlk:") })
        return try #require(UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16))
    }

    /// The worker blocks every asynchronous signal (so a SIGTERM handler can never run while it is inside
    /// another namespace), but not the faults, which must still report a crash.
    @Test func theNamespaceThreadBlocksSignals() throws {
        let tid = try NetworkNamespace.onDedicatedThread { lc_gettid() }
        #expect(tid != lc_gettid(), "the job ran on the dedicated thread")
        let mask = try Self.blockedSignals(thread: tid)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGPIPE, SIGCHLD, SIGALRM] {
            #expect(mask & (1 << UInt64(signal - 1)) != 0, "signal \(signal) is blocked")
        }
        for fault in [SIGSEGV, SIGBUS, SIGFPE, SIGILL] {
            #expect(mask & (1 << UInt64(fault - 1)) == 0, "fault \(fault) is deliverable")
        }
    }

    /// The descriptors open now (the listing's own left out).
    static func openDescriptors() throws -> Set<Int32> {
        guard let dir = opendir("/proc/self/fd") else { throw POSIXFailure(path: "/proc/self/fd", code: errno) }
        defer { closedir(dir) }
        var result = Set<Int32>()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name), fd != dirfd(dir) { result.insert(fd) }
        }
        return result
    }

    /// Runs `body` with RLIMIT_NOFILE set so that exactly `opens` more descriptors can be opened (the lowest
    /// free numbers are used in order), then restores it.
    static func withDescriptorsLimited<T>(to opens: Int, _ body: () throws -> T) throws -> T {
        let used = try openDescriptors()
        var free: [Int32] = []
        var candidate: Int32 = 0
        while free.count < opens {
            if !used.contains(candidate) { free.append(candidate) }
            candidate += 1
        }
        var saved = rlimit()
        #expect(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved) == 0)
        var limited = saved
        limited.rlim_cur = rlim_t((free.last ?? -1) + 1)
        #expect(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limited) == 0)
        defer { setrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved) }
        return try body()
    }

    /// Each call fails at its last open (EMFILE); what it opened before must be closed again. Before, the
    /// namespace file leaked from `open(path:)` and `makeScratch` when the step after it failed.
    @Test(.enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)),
          arguments: [("open(path:)", 1), ("openWithRouteSocket(path:)", 2), ("makeScratch(sockets:)", 2)])
    func aFailedCallClosesWhatItOpened(_ call: String, _ opens: Int) throws {
        _ = try NetworkNamespace.onDedicatedThread { 0 }   // the worker exists before the descriptors are counted
        let before = try Self.openDescriptors()
        let outcome: Result<Void, any Error> = try Self.withDescriptorsLimited(to: opens) {
            Result {
                switch call {
                case "open(path:)": _ = try NetworkNamespace.open(path: "/proc/self/ns/net")
                case "openWithRouteSocket(path:)": _ = try NetworkNamespace.openWithRouteSocket(path: "/proc/self/ns/net")
                default: _ = try NetworkNamespace.makeScratch(sockets: 1)
                }
            }
        }
        guard case .failure(let error) = outcome else { Issue.record("\(call) succeeded under the limit"); return }
        #expect("\(error)".contains("EMFILE"), "\(call) failed for the limit: \(error)")
        #expect(try Self.openDescriptors() == before, "\(call) left descriptors open after failing: \(error)")
        // And with the limit gone the same call works and its descriptors go with the namespace.
        do { _ = try NetworkNamespace.makeScratch(sockets: 1) }
        #expect(try Self.openDescriptors() == before)
    }
}
