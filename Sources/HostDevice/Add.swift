import Capabilities
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
        let host = try RouteSocket()
        let sysfs = SysfsDevices()
        let (selected, selectors) = try DeviceSelection.select(conf, host: host, sysfs: sysfs)
        guard let link = selected else { throw notFound(selectors, sysfs) }
        let device = Inspect.facts(link)
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
        let report = try plugin.report(store)
        let original = OriginalState(device)
        let plan: Plan
        do {
            plan = try Planner.plan(PlanRequest(report: report, device: device, direction: .into, wantedName: env.ifname,
                                                target: contents, forced: conf.strategy))
        } catch {
            throw CNIError(.invalidConfig, "cannot move \(device.name): \(error)")
        }
        var record = Attachment(network: conf.name, containerID: env.containerID, ifname: env.ifname, netns: env.netns,
                                phase: .adding, strategy: plan.strategy, index: device.index,
                                original: original, kernelpath: sysfs.parent(ofNet: device.name),
                                result: nil)
        // Last moment to stop with nothing touched.
        try Interruption.check("before the device moved")
        try store.save(record)
        let mover = Mover(report: report, host: host, container: container, containerSocket: inside,
                          index: device.index, mac: device.mac, pause: StepPause(environment: plugin.environment),
                          scratchPin: store.scratchPin((conf.name, env.containerID, env.ifname)))
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
            record.result = makeResult(mac: mover.arrived?.macAddress ?? device.mac, ipam: ipam)
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
            switch rollBack(mover, original, record) {
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

    /// The plan, with the single request's recovery: a kernel that moved the device and then said EEXIST
    /// (a name taken meanwhile) gets the rename finished in the container, or the rollback. The step that
    /// failed is known by what it is (the move into the container), not by its place in the plan.
    func move(_ plan: Plan, _ mover: Mover, device: DeviceFacts) throws {
        do {
            try mover.run(plan, label: "add", interruptible: true)
        } catch let error as NetlinkError where error.errno == .fileExists && plan.strategy == .singleRequest {
            guard let move = mover.failedStep, move.moveTo == .container,
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

    func makeResult(mac: String?, ipam: JSON?) -> JSON {
        AttachmentResult.make(conf, interface: .object(["name": .string(env.ifname), "mac": mac.map(JSON.string),
                                                         "sandbox": env.netns.map(JSON.string)]), ipam: ipam)
    }
}

struct RollbackFailure: Error, CustomStringConvertible { let description: String }
