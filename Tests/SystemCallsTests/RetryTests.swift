import Foundation
import Glibc
import Synchronization
import SystemCalls
import SystemPackage
import Testing

/// The one EINTR retry, against a real blocking read that a real signal interrupts.
@Suite(.serialized) struct RetryTests {
    final class Attempts: Sendable { let count = Atomic<Int>(0) }

    /// The calling thread, a handler that does nothing, and SA_RESTART off: the kernel then ends a blocked
    /// read with EINTR instead of restarting it, as it does for the calls `retryingOnInterrupt` wraps.
    @Test func anInterruptedReadIsRetriedUntilItHasData() throws {
        var previous = sigaction()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0
        sigemptyset(&action.sa_mask)
        #expect(sigaction(SIGUSR1, &action, &previous) == 0)
        defer { sigaction(SIGUSR1, &previous, nil) }
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }

        let attempts = Attempts()
        // The test runner's worker threads block signals; this one takes SIGUSR1 for the length of the test.
        var unblocked = sigset_t(), previousMask = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGUSR1)
        #expect(pthread_sigmask(SIG_UNBLOCK, &unblocked, &previousMask) == 0)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        let reader = pthread_self()
        let writeEnd = ends[1]
        // Signals the reader until it has been interrupted twice (or ten seconds passed: then the count below
        // fails), then gives it its byte.
        let interrupter = Thread {
            var sent = 0
            while attempts.count.load(ordering: .sequentiallyConsistent) < 3 && sent < 2000 {
                pthread_kill(reader, SIGUSR1)
                sent += 1
                usleep(5_000)
            }
            var byte: UInt8 = 0x2A
            _ = write(writeEnd, &byte, 1)
        }
        interrupter.start()
        var byte: UInt8 = 0
        let count = try retryingOnInterrupt { () -> Int in
            attempts.count.add(1, ordering: .sequentiallyConsistent)
            return read(ends[0], &byte, 1)
        }
        while !interrupter.isFinished { usleep(1_000) }
        #expect(count == 1 && byte == 0x2A)
        #expect(attempts.count.load(ordering: .sequentiallyConsistent) >= 3, "the read was interrupted and retried")
    }

    @Test func anotherFailureIsThrownAsItsErrno() {
        var calls = 0
        #expect(throws: Errno.badFileDescriptor) {
            try retryingOnInterrupt { () -> Int in calls += 1; var byte: UInt8 = 0; return read(-1, &byte, 1) }
        }
        #expect(calls == 1, "EBADF is not retried")
    }

    @Test func withErrnoKeepsTheErrnoAndCallsAnythingElseEIO() {
        struct Other: Error {}
        #expect(throws: Errno.noSuchFileOrDirectory) { try withErrno { throw Errno.noSuchFileOrDirectory } }
        #expect(throws: Errno.ioError) { try withErrno { throw Other() } }
        #expect(throws: Errno.noSuchFileOrDirectory) {
            try FileDescriptor.open("/proc/self/linkcaps-no-such-file", .readOnly)
        }
    }
}
