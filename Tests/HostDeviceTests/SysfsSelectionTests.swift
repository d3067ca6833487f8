import Capabilities
import Foundation
@testable import HostDevice
import Policy
import Testing

/// Which net devices a PCI function, an auxiliary device or a kernel path holds, over a prepared sysfs tree
/// laid out as the kernel lays it out (a class device under its parent device's `net` directory, buses and
/// classes linked by `subsystem`, /sys/class/net and /sys/bus/*/devices as symlinks). No root needed.
@Suite struct SysfsSelectionTests {
    /// A sysfs tree in a temporary directory, removed at the end.
    final class Tree {
        let root: String
        init() throws {
            var template = Array("/tmp/linkcaps-sysfs-test.XXXXXX".utf8CString)
            root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
            // (device directory under devices/, its bus, the net devices it holds directly)
            let devices: [(String, String, [String])] = [
                ("pci0000:00/0000:00:04.0", "pci", ["eth0"]),                     // a NIC: net/ under the function
                ("pci0000:00/0000:00:05.0", "pci", []),                           // virtio-net: net/ under virtioN
                ("pci0000:00/0000:00:05.0/virtio1", "virtio", ["eth1"]),
                ("pci0000:00/0000:00:06.0", "pci", ["eth2", "eth3"]),             // two ports, one function
                ("pci0000:00/0000:00:01.0", "pci", []),                           // a bridge ...
                ("pci0000:00/0000:00:01.0/0000:01:00.0", "pci", ["eth4"]),        // ... and a function behind it
                ("pci0000:00/0000:00:08.0", "pci", ["eth5"]),                     // a PF with a subfunction
                ("pci0000:00/0000:00:08.0/mlx5_core.sf.2", "auxiliary", ["eth6"]),
                ("pci0000:00/0000:00:09.0", "pci", []),                           // a PF whose only netdev is an SF's
                ("pci0000:00/0000:00:09.0/mlx5_core.sf.3", "auxiliary", ["eth7"]),
                ("pci0000:00/0000:00:14.0", "pci", []),                           // a USB controller ...
                ("pci0000:00/0000:00:14.0/usb1", "usb", []),
                ("pci0000:00/0000:00:14.0/usb1/1-1", "usb", []),
                ("pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0", "usb", ["enx0"]),    // ... and a USB NIC on it
            ]
            for (path, bus, nets) in devices {
                let dir = "\(root)/devices/\(path)"
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                try FileManager.default.createDirectory(atPath: "\(root)/bus/\(bus)/devices", withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: dir + "/subsystem", withDestinationPath: "\(root)/bus/\(bus)")
                try FileManager.default.createSymbolicLink(atPath: "\(root)/bus/\(bus)/devices/\(path.split(separator: "/").last!)",
                                                           withDestinationPath: relative(from: "bus/\(bus)/devices", to: "devices/\(path)"))
                for net in nets { try addNet(net, under: "devices/\(path)") }
            }
            try addNet("veth0", under: "devices/virtual")
        }

        func addNet(_ name: String, under parent: String) throws {
            try FileManager.default.createDirectory(atPath: "\(root)/\(parent)/net/\(name)", withIntermediateDirectories: true)
            try "2\n".write(toFile: "\(root)/\(parent)/net/\(name)/ifindex", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: "\(root)/class/net", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(root)/class/net/\(name)",
                                                       withDestinationPath: relative(from: "class/net", to: "\(parent)/net/\(name)"))
        }

        /// What happens to sysfs when the kernel moves a net device into another namespace: it is gone here.
        func moveAway(_ name: String) throws {
            let path = try #require(sysfs.resolve("\(root)/class/net/\(name)"))
            try FileManager.default.removeItem(atPath: "\(root)/class/net/\(name)")
            try FileManager.default.removeItem(atPath: path)
        }

        func relative(from directory: String, to target: String) -> String {
            String(repeating: "../", count: directory.split(separator: "/").count) + target
        }

        var sysfs: SysfsDevices { SysfsDevices(root: root) }
        func pci(_ id: String) -> String { "\(root)/bus/pci/devices/\(id)" }
        func device(_ path: String) -> String { sysfs.resolve("\(root)/devices/\(path)")! }
        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    func names(_ devices: [(name: String, parent: String)]) -> [String] { devices.map(\.name) }

    @Test func aPCIFunctionHoldsItsOwnNetDevicesAndThoseOfItsVirtioChild() throws {
        let tree = try Tree()
        #expect(names(tree.sysfs.netDevices(of: tree.pci("0000:00:04.0"))) == ["eth0"])
        #expect(names(tree.sysfs.netDevices(of: tree.pci("0000:00:05.0"))) == ["eth1"], "virtio-net: …/virtio1/net/eth1")
        #expect(names(tree.sysfs.netDevices(of: tree.pci("0000:01:00.0"))) == ["eth4"])
    }

    /// Devices with ids of their own are never counted for the function above them: a bridge does not hold
    /// its downstream function's NIC, a PF not its subfunctions', a USB controller not a USB NIC.
    @Test func devicesWithTheirOwnIdsAreNotTheFunctions() throws {
        let tree = try Tree()
        #expect(names(tree.sysfs.netDevices(of: tree.pci("0000:00:01.0"))) == [])
        #expect(names(tree.sysfs.netDevices(of: tree.pci("0000:00:08.0"))) == ["eth5"])
        #expect(names(tree.sysfs.netDevices(of: tree.pci("0000:00:09.0"))) == [])
        #expect(names(tree.sysfs.netDevices(of: tree.pci("0000:00:14.0"))) == [])
        let sf = try #require(tree.sysfs.busDevice("mlx5_core.sf.2", buses: ["pci", "auxiliary"]))
        #expect(names(tree.sysfs.netDevices(of: sf)) == ["eth6"])
        #expect(tree.sysfs.busDevice("0000:00:05.0", buses: ["pci", "auxiliary"]) == tree.device("pci0000:00/0000:00:05.0"))
        #expect(tree.sysfs.busDevice("0000:00:77.0", buses: ["pci", "auxiliary"]) == nil)
    }

    @Test func aNetDevicesParentAndVirtualLinksWithoutOne() throws {
        let tree = try Tree()
        #expect(tree.sysfs.parent(ofNet: "eth1") == tree.device("pci0000:00/0000:00:05.0/virtio1"))
        #expect(tree.sysfs.parent(ofNet: "eth0") == tree.device("pci0000:00/0000:00:04.0"))
        #expect(tree.sysfs.parent(ofNet: "veth0") == nil, "a virtual link hangs from no device")
        #expect(tree.sysfs.parent(ofNet: "nosuch0") == nil)
    }

    /// kernelpath names a device (its net devices count, as for a PCI address) or a net device itself.
    @Test func kernelpathNamesADeviceOrANetDevice() throws {
        let tree = try Tree()
        let virtio = "\(tree.root)/devices/pci0000:00/0000:00:05.0/virtio1"
        #expect(names(tree.sysfs.netDevices(of: virtio)) == ["eth1"])
        #expect(tree.sysfs.netDevice(at: virtio + "/net/eth1")?.name == "eth1")
        #expect(tree.sysfs.netDevice(at: virtio)?.name == nil)
        #expect(tree.sysfs.netDevice(at: "\(tree.root)/devices/virtual/net/veth0")?.name == nil, "not a device's")
        #expect(tree.sysfs.netDevice(at: "\(tree.root)/class/net/eth1")?.name == "eth1", "the class link resolves to it")
    }

    @Test func severalNetDevicesAreRefusedNamingThem() throws {
        let tree = try Tree()
        #expect(throws: CNIError.self) { try DeviceSelection.oneName(tree.sysfs.netDevices(of: tree.pci("0000:00:06.0")), "pciBusID 0000:00:06.0") }
        do {
            _ = try DeviceSelection.oneName(tree.sysfs.netDevices(of: tree.pci("0000:00:06.0")), "pciBusID 0000:00:06.0")
        } catch {
            #expect(error.code == .invalidConfig && error.msg == "pciBusID 0000:00:06.0 holds 2 network devices: eth2, eth3")
        }
        #expect(try DeviceSelection.oneName([], "x") == nil, "none: it may be in a pod")
    }

    /// While the NIC is in a pod its net device is gone from the host's sysfs, but the PCI function and
    /// the virtio device stay: a second ADD by any selector is matched against the attachment's record.
    @Test func aRecordedDeviceIsRecognisedByEverySelectorWhileItIsAway() throws {
        let tree = try Tree()
        let recorded = try #require(tree.sysfs.parent(ofNet: "eth1"))
        #expect(recorded == tree.device("pci0000:00/0000:00:05.0/virtio1"))
        try tree.moveAway("eth1")
        #expect(names(tree.sysfs.netDevices(of: tree.pci("0000:00:05.0"))) == [])
        let original = OriginalState(name: "eth1", up: true, mtu: 1500, mac: MACAddress("52:54:00:4c:43:05"), altNames: ["enp0s5"])
        func conf(_ members: String) throws -> NetConf {
            try NetConf.parse(Array("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\(members)}".utf8), command: .add)
        }
        let matching = [#""pciBusID":"0000:00:05.0""#, #""runtimeConfig":{"deviceID":"0000:00:05.0"}"#,
                        #""kernelpath":"\#(recorded)""#, #""kernelpath":"\#(recorded)/net/eth1""#,
                        #""kernelpath":"\#(tree.root)/devices/pci0000:00/0000:00:05.0""#,
                        #""device":"eth1""#, #""device":"enp0s5""#, #""hwaddr":"52:54:00:4C:43:05""#]
        for members in matching {
            #expect(DeviceSelection.names(try conf(members), original, kernelpath: recorded, sysfs: tree.sysfs), "\(members)")
        }
        let others = [#""pciBusID":"0000:00:04.0""#, #""pciBusID":"0000:00:01.0""#, #""runtimeConfig":{"deviceID":"mlx5_core.sf.2"}"#,
                      #""kernelpath":"\#(tree.root)/devices/pci0000:00/0000:00:04.0""#, #""device":"eth0""#,
                      #""hwaddr":"52:54:00:4c:43:04""#,
                      // deviceID overrides: a matching device name beside it does not count.
                      #""device":"eth1","runtimeConfig":{"deviceID":"0000:00:04.0"}"#]
        for members in others {
            #expect(!DeviceSelection.names(try conf(members), original, kernelpath: recorded, sysfs: tree.sysfs), "\(members)")
        }
        // A bridge above a recorded function does not hold it.
        let behindBridge = tree.device("pci0000:00/0000:00:01.0/0000:01:00.0")
        #expect(!DeviceSelection.names(try conf(#""pciBusID":"0000:00:01.0""#), original, kernelpath: behindBridge, sysfs: tree.sysfs))
        #expect(DeviceSelection.names(try conf(#""pciBusID":"0000:01:00.0""#), original, kernelpath: behindBridge, sysfs: tree.sysfs))
    }
}
