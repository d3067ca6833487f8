import Capabilities
import Glibc
import JSONText
import Namespaces
import Netlink
import Policy
import SystemCalls
import SystemPackage

/// One invocation of the plugin: environment and stdin in, JSON and an exit status out.
public struct Plugin {
    public let environment: [String: String]
    public let stdin: [UInt8]
    /// Why stdin could not be read whole: its errno, EFBIG past `inputLimit`.
    let stdinFailure: Errno?
    /// The capability report (or why there is none), asked at most once per invocation.
    private let known = KnowledgeMemo()

    /// A network configuration (prevResult included) is kilobytes; this bounds what a caller can make us hold.
    public static let inputLimit = 4 << 20

    /// `stdin` as read, or the errno that ended the read (EFBIG: more than `inputLimit` bytes).
    public init(environment: [String: String], stdin: Result<[UInt8], Errno>) {
        self.environment = environment
        switch stdin {
        case .success(let bytes): self.stdin = bytes; stdinFailure = nil
        case .failure(let error): self.stdin = []; stdinFailure = error
        }
    }

    public init(environment: [String: String], stdin: [UInt8]) {
        self.init(environment: environment, stdin: .success(stdin))
    }

    /// Runs the command; errors come back as CNI error JSON with status 1, never as a crash.
    public func main() -> (output: String, status: Int32) {
        var version = NetConf.latest
        if let json = try? JSON.parse(stdin), let v = json["cniVersion"]?.string, NetConf.supportedVersions.contains(v) {
            version = v
        }
        do {
            if let failure = stdinFailure {
                throw failure == .fileTooLarge
                    ? CNIError(.decodeFailure, "the network configuration on stdin is larger than \(Self.inputLimit) bytes")
                    : CNIError(.ioFailure, "reading the network configuration on stdin: \(failure.name) (\(failure.rawValue)): \(failure.description)")
            }
            let env = try CNIEnvironment.read(environment)
            if env.command == .version { return (versionInfo(version).text, 0) }
            let conf = try NetConf.parse(stdin, command: env.command)
            let output = try run(env, conf)
            return (output?.text ?? "", 0)
        } catch let error as CNIError {
            return (error.json(cniVersion: version).text, 1)
        } catch {
            return (CNIError(.generic, "\(error)").json(cniVersion: version).text, 1)
        }
    }

    func versionInfo(_ version: String) -> JSON {
        .object(["cniVersion": .string(version), "supportedVersions": .array(NetConf.supportedVersions.map(JSON.string))])
    }

    func run(_ env: CNIEnvironment, _ conf: NetConf) throws -> JSON? {
        let store = StateStore(environment: environment)
        if [.add, .del, .check].contains(env.command) {
            try StateStore.checkName(network: conf.name, containerID: env.containerID, ifname: env.ifname)
        }
        switch env.command {
        case .version: return versionInfo(conf.cniVersion)
        case .status: return try status(conf, store)
        case .add:
            let (container, socket) = try openContainer(env.netns!)
            try store.lock()
            if let function = try UserspaceDriver.function(conf, sysfs: UserspaceDriver.sysfs(environment)) {
                return try DpdkAdd(plugin: self, env: env, conf: conf, store: store, function: function).run()
            }
            return try Add(plugin: self, env: env, conf: conf, store: store, container: container, inside: socket).run()
        case .del:
            try store.lock()
            try Del(plugin: self, env: env, conf: conf, store: store).run()
            return nil
        case .check:
            let (_, socket) = try openContainer(env.netns!)
            try store.lock()
            try check(env, conf, store, socket)
            return nil
        case .gc:
            try store.lock()
            try gc(conf, store)
            return nil
        }
    }

    /// CNI_NETNS must be a network namespace, and not ours. Returns it with a route socket inside.
    func openContainer(_ path: String) throws(CNIError) -> (NetworkNamespace, RouteSocket) {
        if sameFile("/proc/thread-self/ns/net", path) {
            throw CNIError(.invalidEnvironment, "CNI_NETNS \(path) is the host's own network namespace")
        }
        do { return try NetworkNamespace.openWithRouteSocket(path: path) } catch NamespaceError.notANetworkNamespace {
            throw CNIError(.invalidEnvironment, "CNI_NETNS \(path) is not a network namespace")
        } catch let error as NamespaceError where error.leftThreadElsewhere {
            throw CNIError(.generic, "stopped before touching anything: could not come back from CNI_NETNS \(path)", details: "\(error)")
        } catch {
            throw CNIError(.invalidEnvironment, "CNI_NETNS \(path) cannot be opened", details: "\(error)")
        }
    }

    /// Whether two paths name the same inode (for namespaces: the same namespace), without opening sockets.
    func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// What the plans of this invocation know of the kernel. Without a report they are the ones that are
    /// safe on every kernel, and one line on stderr says why, however many plans the invocation makes (GC).
    func knowledge() -> KernelKnowledge {
        if let knowledge = known.value { return knowledge }
        let knowledge = ReportSource.knowledge()
        if let reason = knowledge.unknownReason { ReportSource.standardError(ReportSource.unknownLine(reason)) }
        known.value = knowledge
        return knowledge
    }

    /// Available when the plugin can move devices: a missing capability report is no reason against it
    /// (the plans work without one), a missing privilege or an unusable state directory is.
    func status(_ conf: NetConf, _ store: StateStore) throws -> JSON? {
        guard Privilege.hasNetAdmin else { throw CNIError(.notAvailable, "the plugin lacks CAP_NET_ADMIN") }
        do { try store.makeDirectory() } catch {
            throw CNIError(.notAvailable, error.msg, details: error.details)
        }
        _ = knowledge()
        if let type = conf.ipamType {
            _ = try IPAM.run(type, command: "STATUS", config: stdin, environment: environment,
                             path: CNIEnvironment.read(environment).path)
        }
        return nil
    }

    /// From the state file, or, when it is gone, from what the device carries (its alias record), as the
    /// reference's CHECK does; either way the device must carry no other attachment's `for=`.
    func check(_ env: CNIEnvironment, _ conf: NetConf, _ store: StateStore, _ socket: RouteSocket) throws {
        let state = try store.load(network: conf.name, containerID: env.containerID, ifname: env.ifname)
        let noAttachment = CNIError(.generic, "no attachment of \(env.ifname) for container \(env.containerID)")
        if let state, state.phase != .added { throw noAttachment }
        if let function = state?.function { return try DpdkAdd.check(self, env, conf, function) }
        guard let link = try socket.link(named: env.ifname) else {
            throw state == nil ? noAttachment : CNIError(.generic, "\(env.ifname) is missing from the container")
        }
        let owner = AttachmentIdentity.token(network: conf.name, containerID: env.containerID, ifname: env.ifname)
        if let state {
            guard let original = state.original, AliasRecord.decode(link.alias)?.name == original.name,
                  !AliasRecord.belongsToAnother(link.alias, than: owner) else {
                throw CNIError(.generic, "\(env.ifname) in the container is not \(state.original?.name ?? "the recorded device")")
            }
        } else {
            guard AttachmentIdentity.claimed(by: link.alias, owner: owner, conf: conf) != nil else { throw noAttachment }
        }
        try checkListed(env, conf)
    }

    /// CHECK's part common to both modes: prevResult lists our interface (in this sandbox), and IPAM agrees.
    func checkListed(_ env: CNIEnvironment, _ conf: NetConf) throws {
        let listed = conf.prevResult?["interfaces"]?.array?.contains {
            $0["name"]?.string == env.ifname && ($0["sandbox"]?.string).map { $0 == env.netns } ?? true
        } ?? false
        guard listed else { throw CNIError(.generic, "prevResult does not list \(env.ifname)") }
        if let type = conf.ipamType {
            _ = try IPAM.run(type, command: "CHECK", config: stdin, environment: environment, path: env.path)
        }
    }

    /// Drops the records (and returns the devices) of attachments the runtime no longer knows. One that
    /// cannot be cleaned up (a malformed record, a device that will not come back) does not stop the
    /// others: each failure is reported at the end.
    func gc(_ conf: NetConf, _ store: StateStore) throws {
        let valid = Set(conf.validAttachments.map { "\($0.containerID)/\($0.ifname)" })
        let ours = StateStore.safe(conf.name) + "_"
        var failures: [String] = []
        for (file, read) in store.all() {
            let attachment: Attachment
            switch read {
            case .success(let a): attachment = a
            case .failure(let error):
                if file.isEmpty || file.hasPrefix(ours) { failures.append(error.msg) }
                continue
            }
            guard attachment.network == conf.name,
                  !valid.contains("\(attachment.containerID)/\(attachment.ifname)") else { continue }
            do {
                var env = try CNIEnvironment.read(["CNI_COMMAND": "DEL", "CNI_CONTAINERID": attachment.containerID,
                                                   "CNI_IFNAME": attachment.ifname])
                env.netns = attachment.netns
                try Del(plugin: self, env: env, conf: conf, store: store, skipIPAM: true).run()
            } catch let error as NamespaceError where error.leftThreadElsewhere {
                throw error   // this thread's namespace is unknown: no further attachment may be touched
            } catch {
                failures.append("\(attachment.containerID)/\(attachment.ifname): \(error)")
            }
        }
        if let type = conf.ipamType {
            _ = try IPAM.run(type, command: "GC", config: stdin, environment: environment, path: CNIEnvironment.read(environment).path)
        }
        if !failures.isEmpty {
            throw CNIError(.generic, "GC could not clean up \(failures.count) attachment(s); the others were cleaned up",
                           details: failures.joined(separator: "; "))
        }
    }
}

/// Holds one invocation's answer (Plugin is a value; the answer is asked for from several places).
final class KnowledgeMemo { var value: KernelKnowledge? }
