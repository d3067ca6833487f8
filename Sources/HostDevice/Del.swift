import Namespaces
import Netlink
import Policy

/// DEL: idempotent. The device comes back to the host under its original name and state from wherever it
/// is: the container, a scratch namespace a killed run left, or the host (returned by a dying namespace).
struct Del {
    let plugin: Plugin
    let env: CNIEnvironment
    let conf: NetConf
    let store: StateStore
    var skipIPAM = false

    func run() throws {
        if let type = conf.ipamType, !skipIPAM {
            _ = try IPAM.run(type, command: "DEL", config: plugin.stdin, environment: plugin.environment, path: env.path)
        }
        if let record = try store.load(network: conf.name, containerID: env.containerID, ifname: env.ifname), record.mode == .dpdk {
            store.remove(record)   // DPDK mode: nothing moved, IPAM was all there was to undo
            return
        }
        let host = try RouteSocket()
        let opened = try env.netns.flatMap(openContainer)
        let container = opened?.0
        let record = try store.load(network: conf.name, containerID: env.containerID, ifname: env.ifname)
        var original = record?.original
        var index = record?.index
        if original == nil, let socket = opened?.1,
           let link = try socket.link(named: env.ifname), let recorded = AliasRecord.decode(link.alias),
           recorded.name == conf.device || recorded.mac == conf.hwaddr, InputCheck.linkName(recorded.name) == nil {
            // No record (lost state), but the alias says what the device was.
            original = recorded
            index = link.index
        }
        if original == nil, let link = try returnedDevice(host, named: conf.device), let recorded = AliasRecord.decode(link.alias),
           InputCheck.linkName(recorded.name) == nil {
            original = recorded
            index = link.index
        }
        guard let original, let index else { return }   // nothing of ours: DEL succeeds
        let report = try plugin.report(store)
        let mover = Mover(report: report, host: host, container: container, containerSocket: opened?.1,
                          index: index, mac: original.mac, pause: StepPause(environment: plugin.environment),
                          scratchPin: store.scratchPin((conf.name, env.containerID, env.ifname)))
        mover.recordedName = original.name
        mover.reopenPinnedScratch()
        defer { mover.unpinScratch() }
        if container != nil && record?.phase != .adding { mover.location = .container }
        var found = try mover.relocate()
        if found == nil {
            // Not at its index or MAC anywhere we can see: a device a dying namespace returned under a new index?
            guard let link = try returnedDevice(host, named: original.name) else {
                if let record { store.remove(record) }   // gone (a virtual device dies with its namespace)
                return
            }
            mover.index = link.index
            mover.location = .host
            found = link
        }
        let unrestored: [String]
        do { unrestored = try mover.restore(original, label: "del", forced: stepwiseOrScratch(conf.strategy), found: found) } catch {
            throw CNIError(.generic, "cannot return \(original.name) to the host", details: "\(error)")
        }
        if let record { store.remove(record) }
        // The device is home; an altname the host gave another link meanwhile stays with that link. DEL
        // succeeds (a runtime would retry a failed DEL forever), and says so.
        for problem in unrestored { ReportSource.standardError("linkcaps-host-device: " + problem) }
    }

    /// The container's namespace and a socket inside, or nil when it is gone or unusable (DEL goes on without
    /// it). A thread that could not come back from it is the one error that stops DEL: nothing has been
    /// touched yet, and nothing may be in a namespace we are not sure of.
    func openContainer(_ path: String) throws -> (NetworkNamespace, RouteSocket)? {
        do { return try NetworkNamespace.openWithRouteSocket(path: path) } catch let error as NamespaceError where error.leftThreadElsewhere {
            throw error
        } catch {
            return nil
        }
    }

    /// On the way out a forced strategy is honoured only if it has its own way out (scratch, step-wise).
    func stepwiseOrScratch(_ strategy: Strategy?) -> Strategy? {
        strategy == .scratchNamespace || strategy?.isAutomatic == false ? strategy : nil
    }

    /// A host link carrying our alias record for the device `name` (how a dying namespace returns it).
    func returnedDevice(_ host: RouteSocket, named name: String?) throws -> LinkMessage? {
        guard let name else { return nil }
        return try host.links().first { AliasRecord.decode($0.alias)?.name == name }
    }
}
