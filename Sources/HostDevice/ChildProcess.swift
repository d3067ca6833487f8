import Glibc
import SystemCalls
import SystemPackage

/// A program the plugin runs (an IPAM plugin): its stdin fed from a buffer and its stdout collected at the
/// same time (either may be larger than a pipe holds), its end checked (exit status or signal), and — when
/// asked — given up on when SIGTERM, SIGINT or SIGHUP reaches the plugin.
struct ChildProcess {
    enum Termination: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case .exited(let status): return "exit status \(status)"
            case .signaled(let signal): return "killed by \(signalName(signal))"
            }
        }
    }

    let pid: pid_t
    let label: String
    private let input: Int32
    private let output: Int32

    /// Starts `executable` with `environment`; only its stdin and stdout pipes cross the exec (every other
    /// descriptor of ours is close-on-exec), and it starts with the default signal mask and dispositions,
    /// not the plugin's (blocked SIGTERM, ignored SIGPIPE).
    static func spawn(_ executable: String, environment: [String: String], label: String) throws(CNIError) -> ChildProcess {
        let stdinPipe = try makePipe(label), stdoutPipe: (read: Int32, write: Int32)
        do { stdoutPipe = try makePipe(label) } catch {
            close(stdinPipe.read); close(stdinPipe.write)
            throw error
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signal in Interruption.signals + [SIGPIPE, SIGUSR1] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(stdinPipe.read)
        close(stdoutPipe.write)
        guard spawned == 0 else {
            close(stdinPipe.write); close(stdoutPipe.read)
            throw CNIError(.ioFailure, "cannot run \(label) (\(executable)): \(Errno(rawValue: spawned).nameAndMessage)")
        }
        // Our ends never block: the exchange below waits in poll, where it can also notice a signal.
        for fd in [stdinPipe.write, stdoutPipe.read] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        return ChildProcess(pid: pid, label: label, input: stdinPipe.write, output: stdoutPipe.read)
    }

    /// A pipe whose ends are close-on-exec from the start (pipe2, through swift-system): no program the
    /// plugin runs can inherit either end.
    private static func makePipe(_ label: String) throws(CNIError) -> (read: Int32, write: Int32) {
        do {
            let (readEnd, writeEnd) = try FileDescriptor.pipe(options: .closeOnExec)
            return (readEnd.rawValue, writeEnd.rawValue)
        } catch { throw CNIError(.ioFailure, "pipe for \(label): \(error.nameAndMessage)") }
    }

    /// Writes `bytes` to the child's stdin while reading its stdout, then waits for its end. A child that
    /// stops reading gets the rest dropped (EPIPE, not SIGPIPE); output past `outputLimit` or, when
    /// `interruptible`, an interrupting signal ends the child and throws.
    func exchange(_ bytes: [UInt8], outputLimit: Int, interruptible: Bool) throws(CNIError) -> (Termination, [UInt8]) {
        var written = 0, collected: [UInt8] = []
        var stdinOpen = true
        if bytes.isEmpty { close(input); stdinOpen = false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        defer { if stdinOpen { close(input) }; close(output) }
        while true {
            if interruptible, let signal = Interruption.poll() {
                terminate()
                throw Interruption.interrupted(signal, "while \(label) ran")
            }
            var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0)]
            if stdinOpen { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
            if poll(&fds, nfds_t(fds.count), 100) < 0 && errno != EINTR {
                let error = Errno.current
                terminate()
                throw CNIError(.ioFailure, "poll on \(label)'s pipes: \(error.nameAndMessage)")
            }
            if stdinOpen, fds[1].revents != 0 {
                let n = bytes.withUnsafeBytes { write(input, $0.baseAddress! + written, bytes.count - written) }
                if n > 0 { written += n }
                // EPIPE (or any other failure): the child does not read its input; what it says counts.
                if written == bytes.count || (n < 0 && errno != EAGAIN && errno != EINTR) {
                    close(input)
                    stdinOpen = false
                }
            }
            guard fds[0].revents != 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n > 0 {
                collected += chunk[..<n]
                if collected.count > outputLimit {
                    terminate()
                    throw CNIError(.decodeFailure, "\(label) wrote more than \(outputLimit) bytes")
                }
            } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                break
            }
        }
        return (try wait(interruptible: interruptible), collected)
    }

    /// Reaps the child; while it has not ended, an interrupting signal (when `interruptible`) ends it.
    private func wait(interruptible: Bool) throws(CNIError) -> Termination {
        var status: Int32 = 0
        var pause: UInt32 = 500
        while true {
            let reaped: pid_t
            do { reaped = try retryingOnInterrupt { waitpid(pid, &status, interruptible ? WNOHANG : 0) } } catch {
                throw CNIError(.ioFailure, "waitpid for \(label): \(error.nameAndMessage)")
            }
            if reaped == pid { break }
            if let signal = Interruption.poll() {
                terminate()
                throw Interruption.interrupted(signal, "while \(label) ran")
            }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// Asks the child to end (SIGTERM), insists after two seconds (SIGKILL), and reaps it.
    func terminate() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<200 {
            if (try? retryingOnInterrupt { waitpid(pid, &status, WNOHANG) }) != 0 { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        _ = try? retryingOnInterrupt { waitpid(pid, &status, 0) }
    }
}
