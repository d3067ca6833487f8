import Foundation
@testable import HostDevice
import Netlink
import Testing

/// "Works with a valid [ver] config on auxiliary device" of the reference suite: `runtimeConfig.deviceID`
/// names an auxiliary device (a subfunction, mlx5_core.sf.4) and the net device below it is the one taken.
/// The reference fakes sysfs with bus/auxiliary/devices/mlx5_core.sf.4/net/<name>; so does this case, over
/// a real veth in the host found through real netlink. No machine here (nor the guests) has auxiliary bus
/// devices: the real /sys path of `runtimeConfig.deviceID` is the guests' t_select_runtime_deviceID (a PCI
/// id, the same lookup with the auxiliary bus tried after pci) and the missing-id refusal below.
extension Privileged {
    @Suite(.serialized) struct ReferenceAuxiliaryTests {
        /// bus/auxiliary/devices/<id>/net/<name>, as the reference lays it (plain directories, no
        /// subsystem links), in a temporary directory removed at the end.
        final class AuxiliaryTree {
            let root: String
            init(id: String, holding name: String) throws {
                var template = Array("/tmp/linkcaps-aux-sysfs.XXXXXX".utf8CString)
                root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
                try FileManager.default.createDirectory(atPath: "\(root)/bus/auxiliary/devices/\(id)/net/\(name)",
                                                        withIntermediateDirectories: true)
            }
            deinit { try? FileManager.default.removeItem(atPath: root) }
        }

        @Test(arguments: ReferenceSuiteTests.versions)
        func runtimeDeviceIDNamesAnAuxiliaryDevice(version: String) throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let tree = try AuxiliaryTree(id: "mlx5_core.sf.4", holding: device)
            let config = ReferenceCase.config(version, "\"runtimeConfig\":{\"deviceID\":\"mlx5_core.sf.4\"}")
            let conf = try NetConf.parse(Array(config.utf8), command: .add)
            let (found, selectors) = try DeviceSelection.select(conf, host: RouteSocket(), sysfs: SysfsDevices(root: tree.root))
            #expect(found?.name == device && found?.index == ifindex(device), "\(selectors): \(String(describing: found?.name))")
            #expect(selectors == "deviceID mlx5_core.sf.4")
        }

        /// The real /sys: an auxiliary id that names no device is refused before anything moves, by both
        /// (ours code 7, 1.9.1 999 "runtime config DeviceID ... not found or unsupported").
        @Test func aMissingAuxiliaryDeviceIsRefusedByBoth() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            let config = ReferenceCase.config("1.0.0", "\"runtimeConfig\":{\"deviceID\":\"mlx5_core.sf.4\"}")
            for who in ReferenceContender.all {
                let add = who.run("ADD", config, netns: ns, ifname: "net1")
                #expect(add.status == 1 && add.code == (who.isOurs ? 7 : 999), "\(who): \(add.stdout)")
                #expect(add.msg.contains("mlx5_core.sf.4"), "\(who): \(add.stdout)")
            }
            #expect(ReferenceCase.onlyLoopback(ns), "the container: \(sh("nsenter --net=\(ns) ip -o link").output)")
        }
    }
}
