import Foundation
import Glibc
import Netlink
import Synchronization
import Testing
import TestSupport

/// All privileged suites, one at a time: they share the state dir (and its probed report) and compare
/// link tables, so they must not overlap. Without root every test in them is reported skipped, with why.
@Suite(.serialized, .enabled(if: TestEnvironment.isRoot, "needs root: real veth links and network namespaces; CI runs as root"))
enum Privileged {}

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
let pluginPath = packageRoot + "/.build/debug/linkcaps-host-device"
let referencePlugin = "/usr/lib/cni/host-device"

/// A harness step that could not be done (a command that failed, a program that would not start): thrown,
/// so that the test fails there with the reason, never trapping the whole test process.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a shell command; status -1 (with the reason as output) when /bin/sh could not be started.
@discardableResult
func sh(_ command: String) -> (status: Int32, output: String) { Subprocess.shell(command) }

/// A shell command that must succeed for the test to go on.
func must(_ command: String) throws {
    let r = sh(command)
    guard r.status == 0 else { throw HarnessFailure("`\(command)` failed (\(r.status)): \(r.output)") }
}

/// What one plugin run gave back.
struct PluginRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr = ""
    /// True when the plugin died of a signal (Process reports the signal as the status, reason .uncaughtSignal).
    var crashed = false
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
    var code: Int? { json["code"] as? Int }
    var msg: String { json["msg"] as? String ?? "" }
    var details: String { json["details"] as? String ?? "" }
}

/// Test devices (veth ends named lct<pid>x<n>, peers lcp...), namespaces bind-mounted under a temp dir we
/// own, and a state dir; everything is removed in `cleanUp`, by name, and only what we made.
final class Lab {
    static let counter = Mutex(0)
    /// One fixed directory inside the package's .build (not the host's /tmp), so runs do not pile up:
    /// emptied of attachments (not of the cached report) at start.
    static let root: String = {
        let dir = packageRoot + "/.build/host-device-tests"
        mkdir(dir, 0o700)
        sh("for f in \(dir)/ns* \(dir)/state/*.netns \(dir)/state/*.podns; do [ -e \"$f\" ] && umount \"$f\" 2>/dev/null; rm -f \"$f\"; done; rm -f \(dir)/state/*.json")
        return dir
    }()
    /// One state dir for the whole run: the capability report in it is probed once, then reused.
    static let stateDir: String = { let d = root + "/state"; mkdir(d, 0o700); return d }()
    /// The capability cache for the run (the plugin's default, /run/linkcaps, stays untouched).
    static let cacheDir = root + "/cache"

    var links: [String] = []
    var namespaces: [String] = []

    static func next() -> Int { counter.withLock { $0 += 1; return $0 } }

    /// A veth end in the host (UP unless told), returns its name; the peer stays in the host too.
    func device(up: Bool = true, mtu: Int? = nil) throws -> String {
        let n = Lab.next()
        let name = "lct\(getpid() % 100000)x\(n)", peer = "lcp\(getpid() % 100000)x\(n)"
        links += [name, peer]
        try must("ip link add \(name) type veth peer name \(peer)" + (up ? " && ip link set \(name) up" : "")
                 + (mtu.map { " && ip link set \(name) mtu \($0)" } ?? ""))
        return name
    }

    func namespace() throws -> String {
        let path = Lab.root + "/ns\(Lab.next())"
        namespaces.append(path)
        try must("touch \(path) && unshare --net=\(path) true")
        return path
    }

    func cleanUp() {
        for ns in namespaces { sh("umount \(ns); rm -f \(ns)") }
        for link in links { sh("ip link del \(link) 2>/dev/null") }
        namespaces = []
        links = []
    }

    deinit { cleanUp() }
}

func conf(_ device: String, version: String = "1.0.0", extra: String = "") -> String {
    "{\"cniVersion\":\"\(version)\",\"name\":\"lctest\",\"type\":\"host-device\",\"device\":\"\(device)\"\(extra)}"
}

func plugin(_ command: String, _ config: String, netns: String?, ifname: String = "net1", container: String = "c1",
            binary: String = pluginPath, env extra: [String: String] = [:]) -> PluginRun {
    let environment = pluginEnvironment(command, netns: netns, ifname: ifname, container: container).merging(extra) { $1 }
    let run: Subprocess
    do { run = try Subprocess.run([binary], environment: environment, stdin: Array(config.utf8)) } catch {
        return PluginRun(status: -1, stdout: "", stderr: "cannot run \(binary): \(error)")
    }
    return PluginRun(status: run.status, stdout: run.stdout, stderr: run.stderr, crashed: run.crashed)
}

/// The CNI variables of one run, with the test's state and cache directories.
func pluginEnvironment(_ command: String, netns: String?, ifname: String = "net1", container: String = "c1") -> [String: String] {
    var env = ["CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_IFNAME": ifname, "CNI_PATH": "/usr/lib/cni",
               "LINKCAPS_STATE_DIR": Lab.stateDir, "LINKCAPS_CACHE_DIR": Lab.cacheDir, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
    if let netns { env["CNI_NETNS"] = netns }
    return env
}

/// The plugin running in the background: the test watches what it says on stderr, changes the world,
/// signals it and collects its end.
final class RunningPlugin {
    let process = Process()
    let output = Pipe(), errors = Pipe()
    private(set) var said = Data()

    init(_ command: String, config: String, netns: String, env extra: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: pluginPath)
        process.environment = pluginEnvironment(command, netns: netns).merging(extra) { $1 }
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(config.utf8))
        try? input.fileHandleForWriting.close()
    }

    var pid: pid_t { process.processIdentifier }

    /// Waits (at most `seconds`) until stderr holds `text`, or `condition` holds; false if neither came.
    func wait(forStderr text: String? = nil, seconds: Double = 10, until condition: () -> Bool = { false }) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        let fd = errors.fileHandleForReading.fileDescriptor
        while Date() < deadline {
            if let text, String(decoding: said, as: UTF8.self).contains(text) { return true }
            if condition() { return true }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&ready, 1, 50) > 0 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = read(fd, &chunk, chunk.count)
                if n > 0 { said += chunk[..<n] } else if !process.isRunning { usleep(50_000) }
            }
        }
        return false
    }

    /// Sends `signal` if given, then collects the end (stdout, the rest of stderr, status).
    func finish(sending signal: Int32? = nil) -> PluginRun {
        if let signal { kill(pid, signal) }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let rest = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return PluginRun(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self),
                         stderr: String(decoding: said + rest, as: UTF8.self), crashed: process.terminationReason == .uncaughtSignal)
    }
}

/// The plugin started with LINKCAPS_TEST_PAUSE_AT=<step>, once it has said it paused there (`reached`
/// false: it ended or ten seconds passed first).
final class PausedPlugin {
    let running: RunningPlugin
    let reached: Bool

    init(_ step: String, _ command: String, config: String, netns: String, env extra: [String: String] = [:]) throws {
        running = try RunningPlugin(command, config: config, netns: netns,
                                    env: extra.merging(["LINKCAPS_TEST_PAUSE_AT": step]) { $1 })
        reached = running.wait(forStderr: "paused at \(step)")
    }

    var process: Process { running.process }
    var pid: pid_t { running.pid }

    /// Sends `signal` (SIGUSR1 goes on; SIGTERM, SIGINT, SIGHUP go on as interrupted) and collects the end.
    func resume(_ signal: Int32) -> PluginRun { running.finish(sending: signal) }
}

/// `ip -o link` of a namespace (nil: the host), one line per link, for before/after comparisons.
func linkTable(_ netns: String? = nil, only name: String? = nil) -> String {
    let prefix = netns.map { "nsenter --net=\($0) " } ?? ""
    // Counters and queue state change on their own; names, flags, MTU, MAC and alias are what we compare.
    let command = prefix + "ip -o link \(name.map { "| grep -E '[0-9]+: \($0)[@:]'" } ?? "") | sed -E 's/ qdisc [a-z_]+//; s/ state [A-Z]+//; s/ qlen [0-9]+//'"
    // A dump the kernel marks interrupted (NLM_F_DUMP_INTR: links changed meanwhile, by anyone on the host)
    // may be inconsistent and carries iproute2's warning: it is no observation, so it is taken again.
    var table = sh(command).output
    for _ in 0..<20 where table.contains("Dump was interrupted") { table = sh(command).output }
    return table
}

func link(_ name: String, in netns: String? = nil) -> String? {
    let prefix = netns.map { "nsenter --net=\($0) " } ?? ""
    let r = sh(prefix + "ip -o link show dev \(name) 2>/dev/null")
    return r.status == 0 && !r.output.isEmpty ? r.output : nil
}

/// Records every link event in the host namespace; names are what the invariant is about.
final class HostRecorder {
    let socket: RouteSocket

    init() throws {
        socket = try RouteSocket()
        try socket.subscribeToLinkEvents()
    }

    /// The names the host saw for a link index since the last call.
    func names(index: Int32) throws -> [String] {
        try socket.events(timeoutMilliseconds: 200).filter { $0.index == index }.compactMap(\.name)
    }
}

func ifindex(_ name: String) -> Int32 {
    Int32(sh("cat /sys/class/net/\(name)/ifindex").output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
}

/// The strategy the plugin recorded for the attachment lctest/c1/net1 (while it exists).
func recordedStrategy(container: String = "c1", ifname: String = "net1") -> String? {
    guard let data = FileManager.default.contents(atPath: Lab.stateDir + "/lctest_\(container)_\(ifname).json"),
          let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
    return json["strategy"] as? String
}
