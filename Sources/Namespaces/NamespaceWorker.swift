import Glibc
import Synchronization
import SystemCalls
import SystemPackage

/// The dedicated thread behind NamespaceThread: takes one job at a time; a job answers whether the thread
/// is still fit to run others (false after a failed switch back, and the thread then ends).
final class NamespaceWorker {
    private let state = ConditionLock()
    private var job: (() -> Bool)?
    private var finished = false
    private var retired = false
    private var thread = pthread_t()

    private static let shared = Mutex<NamespaceWorker?>(nil)

    /// The live worker, started on first use or after the previous one retired.
    static func current() throws -> NamespaceWorker {
        try shared.withLock { shared in
            if let worker = shared, !worker.isRetired { return worker }
            let worker = NamespaceWorker()
            try worker.start()
            shared = worker
            return worker
        }
    }

    private init() {}

    private var isRetired: Bool { state.locked { retired } }

    /// Starts the thread with every asynchronous signal blocked, inherited from its first instruction: a
    /// handler (the plugin's SIGTERM, anyone's) must never run on a thread that is inside another network
    /// namespace. Faults (SIGSEGV, SIGBUS, ...) stay deliverable so that a crash is still reported.
    private func start() throws {
        try withAsynchronousSignalsBlocked { try startThread() }
    }

    private func startThread() throws {
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(&thread, nil, { raw in
            Unmanaged<NamespaceWorker>.fromOpaque(raw!).takeRetainedValue().loop()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<NamespaceWorker>.fromOpaque(context).release()
            throw NamespaceError.system("pthread_create", Errno(rawValue: created))
        }
        pthread_detach(thread)
    }

    /// Runs `job` on the worker and waits for it; callers are served one at a time. Called from the worker
    /// itself (a job that makes namespaces), the job runs inline.
    func perform(_ job: @escaping () -> Bool) throws {
        if pthread_equal(pthread_self(), thread) != 0 {
            guard !retired else { throw NamespaceError.switchBackFailed(nil) }
            if !job() { retired = true }
            return
        }
        state.lock()
        defer { state.unlock() }
        while self.job != nil && !retired { state.wait() }
        guard !retired else { throw NamespaceError.switchBackFailed(nil) }
        self.job = job
        finished = false
        state.broadcast()
        while !finished { state.wait() }
        self.job = nil
        state.broadcast()
    }

    private func loop() {
        state.lock()
        while true {
            while job == nil || finished { state.wait() }
            let work = job!
            state.unlock()
            let fit = work()
            state.lock()
            finished = true
            if !fit { retired = true }
            state.broadcast()
            if retired { break }
        }
        state.unlock()
    }
}

/// A pthread mutex and condition variable at fixed heap addresses: pthread objects must never move, and
/// a Swift stored property passed with `&` may be a temporary copy.
final class ConditionLock {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    /// Waits for a broadcast; the mutex must be held.
    func wait() { pthread_cond_wait(condition, mutex) }
    func broadcast() { pthread_cond_broadcast(condition) }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
