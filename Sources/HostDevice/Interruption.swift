import Glibc
import Synchronization

/// SIGTERM, SIGINT and SIGHUP ask the plugin to stop. They are blocked from the first line of main, so
/// every thread inherits the mask and no handler ever runs in the middle of a step; ADD looks for them
/// where it can still put everything back (before each step, around IPAM, before the final record) and
/// then rolls back. DEL and rollbacks run to the end: they only restore. SIGKILL cannot be caught: the
/// state file and the alias record let the next DEL recover from it.
public enum Interruption {
    static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]
    /// The first interrupting signal taken; steps ask from the namespace thread as well as the main one.
    private static let received = Mutex<Int32?>(nil)

    /// The plugin process's set-up: the interrupting signals blocked, SIGPIPE ignored (an IPAM plugin that
    /// exits without reading its input must give us EPIPE, not end us mid-ADD).
    public static func prepareProcess() {
        var set = mask
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    static var mask: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }

    /// The first interrupting signal so far, taking any pending one without waiting.
    static func poll() -> Int32? {
        received.withLock { received in
            if let received { return received }
            var set = mask
            var now = timespec()
            let signal = sigtimedwait(&set, nil, &now)
            if signal > 0 { received = signal }
            return received
        }
    }

    /// Records a signal taken elsewhere (the test pause hook waits for it with sigwait).
    static func note(_ signal: Int32) { received.withLock { if $0 == nil { $0 = signal } } }

    /// Throws (so that ADD rolls back) once an interrupting signal has arrived.
    static func check(_ stage: String) throws(CNIError) {
        guard let signal = poll() else { return }
        throw interrupted(signal, stage)
    }

    static func interrupted(_ signal: Int32, _ stage: String) -> CNIError {
        CNIError(.generic, "interrupted by \(signalName(signal)) \(stage)")
    }
}

/// SIGTERM, SIGKILL, ...: signals by name in messages.
func signalName(_ signal: Int32) -> String {
    let names: [Int32: String] = [SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
                                  SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
                                  SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2",
                                  SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGSYS: "SIGSYS"]
    return names[signal] ?? "signal \(signal)"
}
