import Capabilities
import JSONText
import Namespaces
import Netlink
import Policy

/// ADD: pick the device, plan, record, move; on any failure put the device back as it was.
struct Add {
    let plugin: Plugin
    let env: CNIEnvironment
    let conf: NetConf
    let store: StateStore
    let container: NetworkNamespace
    let inside: RouteSocket

    func run() throws -> JSON {
        try clearVoidedRecord()
        let host = try RouteSocket()
        let sysfs = SysfsDevices()
        let (selected, selectors) = try DeviceSelection.select(conf, host: host, sysfs: sysfs)
        guard let link = selected else { throw notFound(selectors, sysfs) }
        var device = Inspect.facts(link)
        device.managedBy = HostManagers(environment: plugin.environment).managing(index: device.index)
        if device.altNames.count > Attachment.altNamesLimit {
            throw CNIError(.invalidConfig, "\(device.name) has \(device.altNames.count) altnames, more than the \(Attachment.altNamesLimit) a record keeps")
        }
        let contents = try Inspect.contents(inside)
        if contents.holds(env.ifname) {
            throw CNIError(.invalidEnvironment, "CNI_IFNAME \(env.ifname) is already used in the container")
        }
        if try store.load(network: conf.name, containerID: env.containerID, ifname: env.ifname) != nil {
            throw CNIError(.generic, "container \(env.containerID) already has an attachment \(env.ifname) on network \(conf.name)")
        }
        if let type = conf.ipamType { _ = try IPAM.locate(type, path: env.path) }
        let knowledge = plugin.knowledge()
        let original = OriginalState(device)
        let owner = AttachmentIdentity.token(network: conf.name, containerID: env.containerID, ifname: env.ifname)
        let mover = Mover(knowledge: knowledge, host: host, container: container, containerSocket: inside,
                          index: device.index, mac: device.mac, pause: StepPause(environment: plugin.environment),
                          scratchPin: store.scratchPin((conf.name, env.containerID, env.ifname)))
        let plan: Plan
        do {
            plan = try mover.plan(PlanRequest(knowledge: knowledge, device: device, direction: .into, wantedName: env.ifname,
                                              target: contents, forced: conf.strategy, owner: owner))
        } catch let error as PlanError {
            throw CNIError(.invalidConfig, "cannot move \(device.name): \(error)")
        }
        var record = Attachment(network: conf.name, containerID: env.containerID, ifname: env.ifname, netns: env.netns,
                                phase: .adding, strategy: plan.strategy, index: device.index,
                                original: original, kernelpath: sysfs.parent(ofNet: device.name),
                                result: nil, bootId: AttachmentIdentity.currentBoot)
        let pin = store.podPin((conf.name, env.containerID, env.ifname))
        record.netnsPin = pin
        // Last moment to stop with nothing touched.
        try Interruption.check("before the device moved")
        // The record names the pin before it exists: a run killed in between leaves it for DEL to drop.
        try store.save(record)
        do {
            // No record of this attachment was there: a file at this path is a leftover, never a live pin.
            Mover.unpin(pin)
            try Mover.pin(container, at: pin)
        } catch {
            store.remove(record)
            throw error
        }
        defer { mover.unpinScratch() }
        // Every failure from here on — a step, IPAM, the addresses, the final record, an interrupting
        // signal — puts the device back and gives IPAM's addresses back.
        var ipamStarted = false
        do {
            try move(plan, mover, device: device)
            var ipam: JSON?
            if let type = conf.ipamType {
                try Interruption.check("before IPAM ran")
                ipamStarted = true
                ipam = try IPAM.run(type, command: "ADD", config: plugin.stdin, environment: plugin.environment,
                                    path: env.path)
                try AddressConfig.apply(ipam!, index: mover.index, socket: inside)
            }
            try Interruption.check("before the attachment was recorded")
            record.phase = .added
            record.index = mover.index
            record.result = makeResult(mac: mover.arrived?.mac ?? device.mac, ipam: ipam)
            try store.save(record)
            return record.result!
        } catch {
            if ipamStarted, let type = conf.ipamType {
                // Give the addresses back: the attachment did not happen.
                _ = try? IPAM.run(type, command: "DEL", config: plugin.stdin, environment: plugin.environment, path: env.path,
                                  interruptible: false)
            }
            var failure = (error as? CNIError) ?? CNIError(.generic, "moving \(device.name) into the container failed",
                                                           details: "\(error)")
            let rollback = rollBack(mover, original, record)
            // A rollback that failed keeps the pin, for the DEL that finds the device there.
            if case .success = rollback { Mover.unpin(pin) }
            switch rollback {
            case .success(let unrestored) where !unrestored.isEmpty:
                failure.details = (failure.details.map { $0 + "; " } ?? "") + "rolled back, but " + unrestored.joined(separator: "; ")
            case .failure(let problem):
                failure.details = (failure.details.map { $0 + "; " } ?? "")
                    + "the rollback failed too (\(problem)): DEL will bring \(device.name) back"
            default: break
            }
            throw failure
        }
    }

    /// A record of this attachment that describes nothing in place no longer blocks it: one of an earlier
    /// boot (a reboot voids every attachment; podman keeps container ids across reboots), or one whose
    /// namespace is gone or holds no device of this attachment's. Its DEL runs first — IPAM's DEL, the
    /// device brought home from wherever it is if it is still ours — and the ADD goes on. A record whose
    /// device is in place (the runtime asking twice) still refuses the ADD, below.
    func clearVoidedRecord() throws {
        guard let record = try store.load(network: conf.name, containerID: env.containerID, ifname: env.ifname),
              try !inPlace(record) else { return }
        var stale = env
        stale.netns = record.isFromEarlierBoot ? nil : record.netns
        // Drops the record once the device is home, or found gone.
        try Del(plugin: plugin, env: stale, conf: conf, store: store).run()
    }

    /// Whether the record's device is where it put it: this boot, its namespace alive, and a link there
    /// that is this attachment's — by its alias record, or by the recorded index and MAC (a container may
    /// rename its interface; it is still in place).
    func inPlace(_ record: Attachment) throws -> Bool {
        guard !record.isFromEarlierBoot, record.phase == .added, let path = record.netns, let original = record.original,
              let (_, socket) = try Del(plugin: plugin, env: env, conf: conf, store: store).openContainer(path) else { return false }
        return try socket.links().contains { link in
            AttachmentIdentity.claimed(by: link.alias, owner: record.owner, conf: conf) != nil
                || (AliasRecord.owner(link.alias) == nil && AliasRecord.decode(link.alias)?.name == original.name)
                || (link.index == record.index && original.mac != nil && link.mac == original.mac
                    && !AliasRecord.belongsToAnother(link.alias, than: record.owner))
        }
    }

    /// The plan, with the single request's recovery: a kernel that moved the device and then said EEXIST
    /// (a name taken meanwhile) gets the rename finished in the container, or the rollback. The step that
    /// failed is known by what it is (the move into the container), not by its place in the plan.
    func move(_ plan: Plan, _ mover: Mover, device: DeviceFacts) throws {
        do {
            try mover.run(plan, label: "add", interruptible: true)
        } catch let error as NetlinkError where error.errno == .fileExists && plan.strategy == .singleRequest {
            guard let move = mover.failedStep?.change, move.moveTo == .container,
                  try mover.relocate() != nil, mover.location == .container else { throw error }
            try mover.perform(Step(in: .container, name: move.name, alias: move.alias, up: true,
                                   purpose: "finish the rename the kernel left undone"))
        }
    }

    /// Puts the device back as it was and drops the record; returns what could not be given back (an
    /// altname the host took meanwhile: said, never fatal). On failure, why, and the record stays for the
    /// DEL the runtime sends after a failed ADD.
    func rollBack(_ mover: Mover, _ original: OriginalState, _ record: Attachment) -> Result<[String], RollbackFailure> {
        do {
            let unrestored = try mover.restore(original, label: "rollback")
            store.remove(record)
            return .success(unrestored)
        } catch {
            return .failure(RollbackFailure(description: "\(error)"))
        }
    }

    /// No host device answers the selectors: either it is in a pod already (a record says so, by name,
    /// altname, MAC or sysfs device) or there is none.
    func notFound(_ selectors: String, _ sysfs: SysfsDevices) -> CNIError {
        for case (_, .success(let attachment)) in store.all() {
            guard let original = attachment.original,
                  DeviceSelection.names(conf, original, kernelpath: attachment.kernelpath, sysfs: sysfs) else { continue }
            return CNIError(.invalidConfig, "device \(original.name) is already attached to container \(attachment.containerID) as \(attachment.ifname)")
        }
        return CNIError(.invalidConfig, "no host device found for \(selectors)")
    }

    func makeResult(mac: MACAddress?, ipam: JSON?) -> JSON {
        AttachmentResult.make(conf, interface: .object(["name": .string(env.ifname), "mac": mac.map { .string($0.description) },
                                                         "sandbox": env.netns.map(JSON.string)]), ipam: ipam)
    }
}

struct RollbackFailure: Error, CustomStringConvertible { let description: String }
