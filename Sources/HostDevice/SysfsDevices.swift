import Glibc
import SystemCalls

/// Which network devices a sysfs device holds, read the way the kernel lays sysfs out: a net device is a
/// class device, so `device_add` puts it under its parent device, in a `net` directory
/// (`<parent>/net/<name>`), and /sys/class/net/<name> links there. The parent is what the driver set
/// with SET_NETDEV_DEV: for most PCI NICs the PCI function itself (…/0000:03:00.0/net/eth3); for
/// virtio-net the virtio device that virtio_pci registers as the function's child on the virtio bus
/// (…/0000:00:05.0/virtio1/net/eth1). Only the namespace sysfs was mounted from is listed: a device
/// moved into a pod is not there.
struct SysfsDevices {
    /// Where sysfs is mounted; a prepared tree in tests.
    var root = "/sys"

    /// Buses whose devices have ids of their own: a net device below one of them belongs to that device,
    /// not to the PCI function above it (a bridge's downstream functions, a PF's subfunctions).
    static let ownIdentity: Set<String> = ["pci", "auxiliary"]

    /// The network devices the device at `path` holds: those whose parent is the device itself, or one of
    /// its direct children on a bus without ids of its own (virtio). Deeper descendants (a USB NIC below a
    /// USB controller's root hub) are other devices. Read downwards from the device (its `net/` and its
    /// children's), so the cost does not grow with the host's links. `path` is resolved first.
    func netDevices(of path: String) -> [(name: String, parent: String)] {
        guard let device = resolve(path) else { return [] }
        var found = Self.listing(device + "/net").map { (name: $0, parent: device) }
        for child in Self.listing(device) where isDirectory(device + "/" + child) {
            let parent = device + "/" + child
            guard let bus = subsystem(of: parent), !Self.ownIdentity.contains(bus) else { continue }
            found += Self.listing(parent + "/net").map { (name: $0, parent: parent) }
        }
        return found.sorted { $0.name < $1.name }
    }

    /// Whether a net device whose parent device is `parent` belongs to the device `device` (both resolved):
    /// the same rule as `netDevices(of:)`, for a net device that is not in this namespace now.
    func belongs(_ parent: String, to device: String) -> Bool {
        if parent == device { return true }
        guard dirname(parent) == device else { return false }
        return subsystem(of: parent).map { !Self.ownIdentity.contains($0) } ?? false
    }

    /// The resolved parent device directory of the net device `name` in this namespace; nil for a virtual
    /// link (its parent is /sys/devices/virtual, no device) or a name sysfs does not list.
    func parent(ofNet name: String) -> String? {
        guard let path = resolve(root + "/class/net/" + name), path.hasSuffix("/net/" + name) else { return nil }
        let parent = String(path.dropLast(("/net/" + name).utf8.count))
        return parent == resolve(root + "/devices/virtual") ? nil : parent
    }

    /// The net device whose own sysfs directory is `path` (…/net/eth1), if it is one.
    func netDevice(at path: String) -> (name: String, parent: String)? {
        guard let resolved = resolve(path), let slash = resolved.lastIndex(of: "/") else { return nil }
        let name = String(resolved[resolved.index(after: slash)...])
        guard let parent = parent(ofNet: name), parent + "/net/" + name == resolved else { return nil }
        return (name, parent)
    }

    /// The directory of PCI device `id`, or of auxiliary device `id` (what runtimeConfig.deviceID names),
    /// resolved; nil when neither exists.
    func busDevice(_ id: String, buses: [String]) -> String? {
        for bus in buses { if let path = resolve("\(root)/bus/\(bus)/devices/\(id)") { return path } }
        return nil
    }

    /// A sysfs directory's entries; a directory the device does not have (no `net/`) lists nothing. sysfs
    /// answers a readable directory or ENOENT: anything else is a sysfs this reader does not know, and is
    /// treated the same, as holding no devices.
    static func listing(_ directory: String) -> [String] {
        do { return try directoryEntries(directory) } catch { return [] }
    }

    /// The bus or class a device directory is registered with (the last part of its `subsystem` link).
    func subsystem(of directory: String) -> String? {
        readLink(directory + "/subsystem")?.split(separator: "/").last.map(String.init)
    }

    /// The canonical path (symlinks followed), nil when it does not exist.
    func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
