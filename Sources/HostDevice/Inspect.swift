import Glibc
import Netlink
import Policy

/// Reading what the policy needs from the kernel: device facts and what a namespace holds.
public enum Inspect {
    public static func facts(_ link: LinkMessage) -> DeviceFacts {
        let name = link.name ?? ""
        return DeviceFacts(name: name, index: link.index, up: link.isUp, mtu: link.mtu ?? 0, mac: link.macAddress,
                           altNames: link.altNames, driver: driver(of: name),
                           alias: link.alias.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The driver behind a host link, from sysfs (nil for virtual links and other namespaces).
    static func driver(of name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        let n = readlink("/sys/class/net/\(name)/device/driver", &buffer, 511)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: "/").last.map(String.init)
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
    public static func link(named name: String, _ socket: RouteSocket) throws -> LinkMessage? {
        if name.utf8.count <= LinkLimit.name, let link = try socket.link(named: name) { return link }
        guard name.utf8.count <= LinkLimit.altName else { return nil }
        return try socket.link(altName: name)
    }

    public static func link(mac: String, _ socket: RouteSocket) throws -> LinkMessage? {
        try socket.links().first { $0.macAddress?.lowercased() == mac.lowercased() }
    }
}

/// Finds the host link a configuration names: by name, MAC, sysfs path, PCI or auxiliary device id.
enum DeviceSelection {
    static func select(_ conf: NetConf, host: RouteSocket) throws -> (LinkMessage?, String) {
        var wanted: [(String, String)] = []   // (selector, link name or mac)
        if let id = conf.runtimeDeviceID {
            // runtimeConfig.deviceID overrides the static selectors, as in the reference plugin.
            let name = try netName(under: ["/sys/bus/pci/devices/\(id)/net", "/sys/bus/auxiliary/devices/\(id)/net"],
                                   selector: "deviceID \(id)")
            return (try Inspect.link(named: name, host), "deviceID \(id)")
        }
        if let device = conf.device { wanted.append(("device \(device)", device)) }
        if let path = conf.kernelpath { wanted.append(("kernelpath \(path)", try netName(under: [path + "/net", path], selector: "kernelpath \(path)"))) }
        if let pci = conf.pciBusID {
            wanted.append(("pciBusID \(pci)", try netName(under: ["/sys/bus/pci/devices/\(pci)/net"], selector: "pciBusID \(pci)")))
        }
        var found: [(String, LinkMessage?)] = try wanted.map { ($0.0, try Inspect.link(named: $0.1, host)) }
        if let mac = conf.hwaddr { found.append(("hwaddr \(mac)", try Inspect.link(mac: mac, host))) }
        let indexes = Set(found.compactMap { $0.1?.index })
        if indexes.count > 1 || (indexes.count == 1 && found.contains { $0.1 == nil }) {
            throw CNIError(.invalidConfig, "the selectors name different devices",
                           details: found.map { "\($0.0) → \($0.1?.name ?? "none")" }.joined(separator: ", "))
        }
        let selectors = found.map(\.0).joined(separator: ", ")
        return (found.first?.1, selectors)
    }

    /// The one network interface listed under a sysfs directory.
    static func netName(under directories: [String], selector: String) throws(CNIError) -> String {
        for directory in directories {
            guard let dir = opendir(directory) else { continue }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." && access("\(directory)/\(name)/ifindex", F_OK) != 0 {
                    continue
                }
                if name != "." && name != ".." { return name }
            }
        }
        // A path that is itself .../net/<name>.
        if let last = directories.first, last.contains("/net/"), access(last + "/ifindex", F_OK) != 0,
           let tail = last.split(separator: "/").dropLast().last, access("/sys/class/net/\(tail)", F_OK) == 0 {
            return String(tail)
        }
        throw CNIError(.invalidConfig, "no network device found for \(selector)")
    }
}
