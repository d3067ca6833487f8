import SystemCalls

/// A PCI function a userspace driver (DPDK's kind) owns: the kernel made no net device of it, so there is
/// nothing to move; the pod gets its PCI address and IPAM's addresses to configure itself.
struct UserspaceFunction: Equatable {
    /// The function's name on the PCI bus (0000:03:00.1), as sysfs spells it.
    var pciID: String
    /// The driver bound to it when it was attached (one of `UserspaceDriver.names`).
    var driver: String
    /// Its resolved sysfs directory, which identifies it for as long as it stays on the bus.
    var kernelpath: String
}

enum UserspaceDriver {
    /// The drivers that hand a PCI function to a userspace program, as the reference plugin knows them.
    static let names: Set<String> = ["vfio-pci", "uio_pci_generic", "igb_uio"]

    /// The sysfs tree DPDK mode reads: `/sys`, or the test-only LINKCAPS_TEST_SYSFS_ROOT. Only DPDK mode
    /// reads it (it moves nothing, so a prepared tree cannot make the plugin touch a real link).
    static func sysfs(_ environment: [String: String]) -> SysfsDevices {
        SysfsDevices(root: CNIEnvironment.variable("LINKCAPS_TEST_SYSFS_ROOT", in: environment) ?? "/sys")
    }

    /// The function `runtimeConfig.deviceID` (else `pciBusID`) names when a userspace driver holds it; nil
    /// when the configuration names a net device instead. The other selectors cannot name a function
    /// without a net device: given with one, they are refused, unless `kernelpath` is the function's own
    /// directory.
    static func function(_ conf: NetConf, sysfs: SysfsDevices) throws(CNIError) -> UserspaceFunction? {
        if let id = conf.runtimeDeviceID { return bound(id, sysfs) }   // it overrides the static selectors
        guard let id = conf.pciBusID, let function = bound(id, sysfs) else { return nil }
        var others = [conf.device.map { "device \(InputCheck.shown($0))" }, conf.hwaddr.map { "hwaddr \($0)" }].compactMap { $0 }
        if let path = conf.kernelpath, sysfs.resolve(path) != function.kernelpath { others.append("kernelpath \(InputCheck.shown(path))") }
        guard others.isEmpty else {
            throw CNIError(.invalidConfig, "the selectors name different devices",
                           details: "pciBusID \(id) is bound to \(function.driver) and has no network device; "
                               + others.joined(separator: ", ") + " cannot name it")
        }
        return function
    }

    /// The PCI function `id` with the userspace driver bound to it now; nil when it is no PCI device or
    /// another driver (or none) holds it.
    static func bound(_ id: String, _ sysfs: SysfsDevices) -> UserspaceFunction? {
        guard let directory = sysfs.busDevice(id, buses: ["pci"]), let driver = sysfs.driver(of: directory),
              names.contains(driver) else { return nil }
        return UserspaceFunction(pciID: String(directory.split(separator: "/").last ?? ""), driver: driver, kernelpath: directory)
    }
}

extension SysfsDevices {
    /// The driver bound to a device directory (the last part of its `driver` link); nil when none is.
    func driver(of directory: String) -> String? {
        readLink(directory + "/driver")?.split(separator: "/").last.map(String.init)
    }
}
