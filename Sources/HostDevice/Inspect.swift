import Capabilities
import Glibc
import Netlink
import Policy
import SystemCalls

/// Reading what the policy needs from the kernel: device facts and what a namespace holds.
public enum Inspect {
    public static func facts(_ link: LinkMessage) -> DeviceFacts {
        let name = link.name ?? ""
        return DeviceFacts(name: name, index: link.index, up: link.isUp, mtu: link.mtu ?? 0, mac: link.mac,
                           altNames: link.altNames, driver: driver(of: name),
                           alias: link.alias.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The driver behind a host link, from sysfs (nil for virtual links and other namespaces).
    static func driver(of name: String) -> String? {
        readLink("/sys/class/net/\(name)/device/driver")?.split(separator: "/").last.map(String.init)
    }

    /// The names and altnames of every link in the namespace except `excluding` (the device itself).
    public static func contents(_ socket: RouteSocket, excluding index: Int32? = nil) throws -> NamespaceContents {
        var contents = NamespaceContents()
        for link in try socket.links() where link.index != index {
            if let name = link.name { contents.names.insert(name) }
            contents.altNames.formUnion(link.altNames)
        }
        return contents
    }

    /// A link by name, then by altname; a name too long for either is no link (never sent to the kernel).
    /// Only a link that is in the socket's namespace: before v6.6 an altname stays registered in the
    /// namespace its device left (fixed by 8e15aee62161), and the lookup answers with a device that is elsewhere.
    public static func link(named name: String, _ socket: RouteSocket) throws -> LinkMessage? {
        if name.utf8.count <= LinkLimit.name, let link = try socket.link(named: name) { return try here(link, socket) }
        guard name.utf8.count <= LinkLimit.altName, let link = try socket.link(altName: name) else { return nil }
        return try here(link, socket)
    }

    /// The link as its own namespace knows it, by index: nil when that index is not it there.
    static func here(_ link: LinkMessage, _ socket: RouteSocket) throws -> LinkMessage? {
        guard let same = try socket.link(index: link.index), same.name == link.name, same.address == link.address else {
            return nil
        }
        return same
    }

    public static func link(mac: MACAddress, _ socket: RouteSocket) throws -> LinkMessage? {
        try socket.links().first { $0.mac == mac }
    }
}

/// Finds the host link a configuration names: by name, MAC, sysfs path, PCI or auxiliary device id.
enum DeviceSelection {
    /// The host link the selectors name (nil when none is in the host now) and the selectors, for messages.
    /// Selectors naming different devices, a bus id that names no device, or one holding several network
    /// devices are refused (code 7).
    static func select(_ conf: NetConf, host: RouteSocket, sysfs: SysfsDevices = SysfsDevices()) throws -> (LinkMessage?, String) {
        var wanted: [(String, String?)] = []   // (selector, link name or altname; nil: none found)
        if let id = conf.runtimeDeviceID {
            // runtimeConfig.deviceID overrides the static selectors, as in the reference plugin.
            let selector = "deviceID \(id)"
            guard let dir = sysfs.busDevice(id, buses: ["pci", "auxiliary"]) else {
                throw CNIError(.invalidConfig, "no PCI or auxiliary device \(id) (runtimeConfig.deviceID)")
            }
            let name = try oneName(sysfs.netDevices(of: dir), selector)
            return (try name.flatMap { try Inspect.link(named: $0, host) }, selector)
        }
        if let device = conf.device { wanted.append(("device \(device)", device)) }
        if let path = conf.kernelpath {
            let selector = "kernelpath \(path)"
            wanted.append((selector, try sysfs.netDevice(at: path)?.name ?? oneName(sysfs.netDevices(of: path), selector)))
        }
        if let pci = conf.pciBusID {
            let selector = "pciBusID \(pci)"
            guard let dir = sysfs.busDevice(pci, buses: ["pci"]) else { throw CNIError(.invalidConfig, "no PCI device \(pci)") }
            wanted.append((selector, try oneName(sysfs.netDevices(of: dir), selector)))
        }
        var found: [(String, LinkMessage?)] = try wanted.map { ($0.0, try $0.1.flatMap { try Inspect.link(named: $0, host) }) }
        if let mac = conf.hwaddr { found.append(("hwaddr \(mac)", try Inspect.link(mac: mac, host))) }
        let indexes = Set(found.compactMap { $0.1?.index })
        if indexes.count > 1 || (indexes.count == 1 && found.contains { $0.1 == nil }) {
            throw CNIError(.invalidConfig, "the selectors name different devices",
                           details: found.map { "\($0.0) → \($0.1?.name ?? "none")" }.joined(separator: ", "))
        }
        let selectors = found.map(\.0).joined(separator: ", ")
        return (found.first?.1, selectors)
    }

    /// The one network device a selector's sysfs device holds; nil for none (it may be in a pod).
    static func oneName(_ devices: [(name: String, parent: String)], _ selector: String) throws(CNIError) -> String? {
        guard devices.count <= 1 else {
            throw CNIError(.invalidConfig, "\(selector) holds \(devices.count) network devices: "
                + devices.map(\.name).joined(separator: ", "), details: "select one of them with \"device\" or \"hwaddr\"")
        }
        return devices.first?.name
    }

    /// Whether the selectors name the device an attachment recorded (its original name or an altname,
    /// MAC, sysfs device): how a second ADD learns that the device it wants is in a pod already.
    static func names(_ conf: NetConf, _ original: OriginalState, kernelpath: String?, sysfs: SysfsDevices = SysfsDevices()) -> Bool {
        let held = { (device: String?) -> Bool in
            guard let device, let kernelpath else { return false }
            return sysfs.belongs(kernelpath, to: device)
        }
        if let id = conf.runtimeDeviceID { return held(sysfs.busDevice(id, buses: ["pci", "auxiliary"])) }
        if let device = conf.device, device == original.name || original.altNames.contains(device) { return true }
        if let mac = conf.hwaddr, mac == original.mac { return true }
        if let pci = conf.pciBusID, held(sysfs.busDevice(pci, buses: ["pci"])) { return true }
        if let path = conf.kernelpath, let kernelpath {
            // The net device's own directory is gone from the host's sysfs while it is in a pod.
            if path == kernelpath || path == kernelpath + "/net/" + original.name || held(sysfs.resolve(path)) { return true }
        }
        return false
    }
}

extension LinkMessage {
    /// IFLA_ADDRESS as a MAC address; nil for a link without one (tun, wireguard: no IFLA_ADDRESS, or an
    /// empty one).
    var mac: MACAddress? { address.flatMap(MACAddress.init(bytes:)) }
}
