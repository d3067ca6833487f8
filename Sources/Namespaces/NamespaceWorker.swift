import Glibc
import Netlink

/// The dedicated thread behind NamespaceThread: takes one job at a time; a job answers whether the thread
/// is still fit to run others (false after a failed switch back, and the thread then ends).
final class NamespaceWorker {
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var job: (() -> Bool)?
    private var finished = false
    private var retired = false
    private var thread = pthread_t()

    private static var lock = pthread_mutex_t()
    private static var shared: NamespaceWorker?
    private static let setUp: Void = { pthread_mutex_init(&lock, nil) }()

    /// The live worker, started on first use or after the previous one retired.
    static func current() throws -> NamespaceWorker {
        _ = setUp
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if let worker = shared, !worker.isRetired { return worker }
        let worker = NamespaceWorker()
        try worker.start()
        shared = worker
        return worker
    }

    private init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
    }

    private var isRetired: Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return retired
    }

    private func start() throws {
        let context = Unmanaged.passRetained(self).toOpaque()
        let created = pthread_create(&thread, nil, { raw in
            Unmanaged<NamespaceWorker>.fromOpaque(raw!).takeRetainedValue().loop()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<NamespaceWorker>.fromOpaque(context).release()
            throw NamespaceError.system("pthread_create", Errno(created))
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
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while self.job != nil && !retired { pthread_cond_wait(&changed, &mutex) }
        guard !retired else { throw NamespaceError.switchBackFailed(nil) }
        self.job = job
        finished = false
        pthread_cond_broadcast(&changed)
        while !finished { pthread_cond_wait(&changed, &mutex) }
        self.job = nil
        pthread_cond_broadcast(&changed)
    }

    private func loop() {
        pthread_mutex_lock(&mutex)
        while true {
            while job == nil || finished { pthread_cond_wait(&changed, &mutex) }
            let work = job!
            pthread_mutex_unlock(&mutex)
            let fit = work()
            pthread_mutex_lock(&mutex)
            finished = true
            if !fit { retired = true }
            pthread_cond_broadcast(&changed)
            if retired { break }
        }
        pthread_mutex_unlock(&mutex)
    }
}
