import Glibc

/// Enters a network namespace on the calling thread for one short step and comes back, proven by the
/// namespace's identity. setns(CLONE_NEWNET) changes only the calling thread, so other threads are
/// unaffected; it saves the handoff to the dedicated thread (creating it, waking it, waiting for it), which
/// on a loaded host costs milliseconds of waiting for a CPU. Scratch namespaces stay on the dedicated
/// thread: unsharing leaves a thread in a namespace it cannot be trusted to leave.
enum CallingThread {
    /// Runs `body` inside `target` with every asynchronous signal blocked, so that no handler runs while
    /// the thread is elsewhere. Throws `NamespaceError.switchBackFailed` when the thread could not return:
    /// it is then in an unknown namespace, and the caller must not go on (the plugin exits at once).
    static func within<T>(_ target: Int32, _ body: () throws -> T) throws -> T {
        try withAsynchronousSignalsBlocked { try NamespaceThread.within(target, body) }
    }
}

/// Runs `body` with every asynchronous signal blocked on the calling thread (restored after); faults
/// (SIGSEGV, SIGBUS, ...) stay deliverable so that a crash is still reported.
func withAsynchronousSignalsBlocked<T>(_ body: () throws -> T) rethrows -> T {
    var blocked = sigset_t(), previous = sigset_t()
    sigfillset(&blocked)
    for fault in [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS] { sigdelset(&blocked, fault) }
    pthread_sigmask(SIG_BLOCK, &blocked, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return try body()
}
