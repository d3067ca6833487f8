import JSONText

/// DPDK mode (a PCI function a userspace driver holds, no net device): ADD moves nothing. It records who
/// has the function (one pod at a time: the state lock serialises ADDs, so a second one sees the record),
/// runs IPAM and returns its addresses unconfigured, for the pod's driver to use. DEL (in Del) and GC undo
/// only IPAM and the record.
struct DpdkAdd {
    let plugin: Plugin
    let env: CNIEnvironment
    let conf: NetConf
    let store: StateStore
    let function: UserspaceFunction

    func run() throws -> JSON {
        if let own = try store.load(network: conf.name, containerID: env.containerID, ifname: env.ifname) {
            guard try !inPlace(own) else {
                throw CNIError(.generic, "container \(env.containerID) already has an attachment \(env.ifname) on network \(conf.name)")
            }
            // Voided (an earlier boot, a namespace gone, an ADD that never finished): its DEL first.
            var stale = env
            stale.netns = own.isFromEarlierBoot ? nil : own.netns
            try Del(plugin: plugin, env: stale, conf: conf, store: store).run()
        }
        // A record of an earlier boot holds nothing: the reboot took every pod's function back.
        for case (_, .success(let other)) in store.all() where other.function?.kernelpath == function.kernelpath && !other.isFromEarlierBoot {
            throw CNIError(.invalidConfig, "PCI function \(function.pciID) (\(function.driver)) is already attached to container \(other.containerID) as \(other.ifname)")
        }
        if let type = conf.ipamType { _ = try IPAM.locate(type, path: env.path) }
        var record = Attachment(network: conf.name, containerID: env.containerID, ifname: env.ifname, netns: env.netns,
                                phase: .adding, function: function, result: nil, bootId: AttachmentIdentity.currentBoot)
        try Interruption.check("before the PCI function was recorded")
        try store.save(record)
        var ipamStarted = false
        do {
            var ipam: JSON?
            if let type = conf.ipamType {
                try Interruption.check("before IPAM ran")
                ipamStarted = true
                ipam = try IPAM.run(type, command: "ADD", config: plugin.stdin, environment: plugin.environment, path: env.path)
            }
            try Interruption.check("before the attachment was recorded")
            record.phase = .added
            record.result = AttachmentResult.make(conf, interface: interface, ipam: ipam)
            try store.save(record)
            return record.result!
        } catch {
            if ipamStarted, let type = conf.ipamType {
                _ = try? IPAM.run(type, command: "DEL", config: plugin.stdin, environment: plugin.environment, path: env.path,
                                  interruptible: false)
            }
            store.remove(record)
            throw error
        }
    }

    /// Whether this attachment's record still describes a pod that has the function: written this boot,
    /// complete, and its namespace alive.
    func inPlace(_ record: Attachment) throws -> Bool {
        guard !record.isFromEarlierBoot, record.phase == .added, let path = record.netns else { return false }
        return try Del(plugin: plugin, env: env, conf: conf, store: store).openContainer(path) != nil
    }

    /// Our entry in the result: CNI_IFNAME in the pod's sandbox, and (CNI 1.1's `pciID`, absent from the
    /// earlier result formats) the function's PCI address.
    var interface: JSON {
        .object(["name": .string(env.ifname), "sandbox": env.netns.map(JSON.string),
                 "pciID": NetConf.versionAtLeast(conf.cniVersion, "1.1.0") ? .string(function.pciID) : nil])
    }

    /// CHECK: the function is still held by a userspace driver, prevResult lists the interface, IPAM agrees.
    static func check(_ plugin: Plugin, _ env: CNIEnvironment, _ conf: NetConf, _ function: UserspaceFunction) throws {
        let sysfs = UserspaceDriver.sysfs(plugin.environment)
        guard let now = UserspaceDriver.bound(function.pciID, sysfs), now.kernelpath == function.kernelpath else {
            let driver = sysfs.busDevice(function.pciID, buses: ["pci"]).flatMap(sysfs.driver(of:))
            throw CNIError(.generic, "PCI function \(function.pciID) is no longer bound to a userspace driver",
                           details: driver.map { "it is bound to \($0)" } ?? "no driver (or no such device) now")
        }
        try plugin.checkListed(env, conf)
    }
}
