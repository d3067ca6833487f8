import Capabilities
import Glibc
import Namespaces
import Netlink
import Policy

/// DEL: idempotent. The device comes back to the host under its original name and state from wherever it
/// is: the container, a scratch namespace a killed run left, or the host (returned by a dying namespace).
/// Only a device this attachment put there: one whose alias record names another attachment (`for=`) is
/// never moved, whatever namespace path the DEL was handed.
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
        let record = try store.load(network: conf.name, containerID: env.containerID, ifname: env.ifname)
        let owner = AttachmentIdentity.token(network: conf.name, containerID: env.containerID, ifname: env.ifname)
        // A reboot voided the record's attachment: the device is in the host now, and a namespace path
        // (reused by the kernel, or the runtime's new pod) names nothing of ours.
        let netns = record?.isFromEarlierBoot == true ? nil : env.netns
        // Once no record is left (the device home, or found gone) the pin goes; a failed DEL keeps both
        // for the next one. By name, so that a pin a killed ADD made without a record is dropped too.
        defer { if (try? store.load(network: conf.name, containerID: env.containerID, ifname: env.ifname)) ?? nil == nil { dropPin() } }
        var opened = try netns.flatMap(openContainer)
        if opened == nil, let record, !record.isFromEarlierBoot, let pin = record.netnsPin, access(pin, F_OK) == 0 {
            // CNI_NETNS empty or its namespace unmounted (ctr, cri-o): ours kept it alive, device inside.
            opened = try openContainer(pin)
        }
        let container = opened?.0
        var original = record?.original
        var index = record?.index
        if original == nil, let socket = opened?.1,
           let link = try socket.link(named: env.ifname),
           let recorded = AttachmentIdentity.claimed(by: link.alias, owner: owner, conf: conf), InputCheck.linkName(recorded.name) == nil {
            // No record (lost state), but the alias says what the device was, and that it is ours.
            original = recorded
            index = link.index
            Self.sayMalformedMAC(in: link)
        }
        if original == nil, let link = try returnedDevice(host, named: conf.device, owner: owner), let recorded = AliasRecord.decode(link.alias),
           InputCheck.linkName(recorded.name) == nil {
            original = recorded
            index = link.index
            Self.sayMalformedMAC(in: link)
        }
        guard let original, let index else { return }   // nothing of ours: DEL succeeds
        if let record, record.isFromEarlierBoot, original.mac == nil {
            // Indexes are handed out afresh each boot: without a MAC nothing tells the device from another.
            store.remove(record)
            return
        }
        // Asked only now that a device is to be moved: a DEL with nothing to do needs no report, and one
        // without a report still brings the device home (KernelKnowledge.unknown: the plan safe everywhere).
        let mover = Mover(knowledge: plugin.knowledge(), host: host, container: container, containerSocket: opened?.1,
                          index: index, mac: original.mac, pause: StepPause(environment: plugin.environment),
                          scratchPin: store.scratchPin((conf.name, env.containerID, env.ifname)))
        mover.owner = owner
        mover.recordedName = original.name
        mover.reopenPinnedScratch()
        defer { mover.unpinScratch() }
        if container != nil && record?.phase != .adding { mover.location = .container }
        var found = try locate(mover, host: host, name: original.name, owner: owner)
        if found == nil, container == nil, record?.kernelpath != nil {
            found = try awaitReturn(mover, host: host, name: original.name, owner: owner)
        }
        guard let found else {
            if let record { store.remove(record) }   // gone (a virtual device dies with its namespace)
            return
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

    /// Unmounts and removes this attachment's pin of the container namespace, if there is one.
    func dropPin() {
        let pin = store.podPin((conf.name, env.containerID, env.ifname))
        if access(pin, F_OK) == 0 { Mover.unpin(pin) }
    }

    /// The device at its index or MAC wherever the mover looks, else a host link carrying its alias record
    /// (a dying namespace may return a device under a new index).
    func locate(_ mover: Mover, host: RouteSocket, name: String, owner: String) throws -> LinkMessage? {
        if let link = try mover.relocate() { return link }
        guard let link = try returnedDevice(host, named: name, owner: owner) else { return nil }
        mover.index = link.index
        mover.location = .host
        return link
    }

    /// A physical device whose namespace is gone but which is not in the host yet is on its way: the kernel
    /// hands it back only when it dismantles the namespace (on a workqueue, after an RCU grace period),
    /// and ctr (CNI_NETNS empty) or cri-o (the namespace unmounted first) call DEL as soon as the last process
    /// of the container has exited. Waits for the host's link events (looked at again on each, not on a
    /// timer) up to `returnWaitMilliseconds`, in slices short enough that SIGTERM, SIGINT or SIGHUP (blocked,
    /// so they never cut a poll short) end the wait with code 11 and the record kept, so the next DEL goes on.
    func awaitReturn(_ mover: Mover, host: RouteSocket, name: String, owner: String) throws -> LinkMessage? {
        let events = try RouteSocket()
        try events.subscribeToLinkEvents()
        // Subscribed before this look: a device arriving in between is queued, not missed.
        if let link = try locate(mover, host: host, name: name, owner: owner) { return link }
        for _ in 0..<(Del.returnWaitMilliseconds / Del.signalSliceMilliseconds) {
            if let signal = Interruption.poll() {
                throw CNIError(.tryAgainLater, "interrupted by \(signalName(signal)) while waiting for \(name) to come back to the host")
            }
            let arrived = try events.events(timeoutMilliseconds: Del.signalSliceMilliseconds) { !$0.isEmpty }
            if !arrived.isEmpty, let link = try locate(mover, host: host, name: name, owner: owner) { return link }
        }
        return nil
    }

    /// 5 s, far more than a namespace's dismantling takes even on a loaded host; signals looked at every 50 ms.
    static let returnWaitMilliseconds: Int32 = 5_000
    static let signalSliceMilliseconds: Int32 = 50

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

    /// A host link carrying our alias record for the device `name` (how a dying namespace returns it),
    /// unless the record names another attachment (that one's DEL brings it home).
    func returnedDevice(_ host: RouteSocket, named name: String?, owner: String) throws -> LinkMessage? {
        guard let name else { return nil }
        return try host.links().first {
            AliasRecord.decode($0.alias)?.name == name && !AliasRecord.belongsToAnother($0.alias, than: owner)
        }
    }

    /// An alias record whose `mac=` is not a MAC address still brings the device home (name, MTU, state),
    /// but its MAC cannot be put back: said on stderr, so that a changed MAC is never a silent loss.
    static func sayMalformedMAC(in link: LinkMessage) {
        guard let mac = AliasRecord.malformedMAC(link.alias) else { return }
        ReportSource.standardError("linkcaps-host-device: the alias record on \(link.name ?? "link \(link.index)") holds mac=\(InputCheck.shown(mac)), "
            + "which is not a MAC address: the device's MAC is not restored")
    }
}
