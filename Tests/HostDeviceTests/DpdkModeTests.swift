import Foundation
import Testing

/// DPDK mode through the built plugin: a PCI function bound to a userspace driver, in a prepared sysfs
/// tree (LINKCAPS_TEST_SYSFS_ROOT; this host has no PCI NIC to rebind: the guests rebind real ones),
/// a real pod namespace and Debian's host-local in a temporary directory.
extension Privileged {
    @Suite(.serialized) struct DpdkModeTests {
        static let function = "0000:00:04.0"

        /// /sys as the kernel lays out a PCI function bound to `driver`: the bus's device link, the device
        /// directory, its `driver` link to the driver's directory on the bus. No net device.
        final class FakeSysfs {
            let root: String
            init(driver: String) throws {
                var template = Array("/tmp/linkcaps-dpdk-sysfs.XXXXXX".utf8CString)
                root = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
                let files = FileManager.default
                try files.createDirectory(atPath: "\(root)/devices/pci0000:00/\(DpdkModeTests.function)", withIntermediateDirectories: true)
                try files.createDirectory(atPath: "\(root)/bus/pci/devices", withIntermediateDirectories: true)
                try files.createSymbolicLink(atPath: "\(root)/bus/pci/devices/\(DpdkModeTests.function)",
                                             withDestinationPath: "../../../devices/pci0000:00/\(DpdkModeTests.function)")
                try bind(driver)
            }
            func bind(_ driver: String) throws {
                let link = "\(root)/devices/pci0000:00/\(DpdkModeTests.function)/driver"
                try? FileManager.default.removeItem(atPath: link)
                try FileManager.default.createDirectory(atPath: "\(root)/bus/pci/drivers/\(driver)", withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../../../bus/pci/drivers/\(driver)")
            }
            deinit { try? FileManager.default.removeItem(atPath: root) }
        }

        /// host-local's data directory for one test, removed at the end.
        final class Leases {
            let path: String
            init() {
                var template = Array("/tmp/linkcaps-dpdk-ipam.XXXXXX".utf8CString)
                path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
            }
            /// The addresses host-local holds for the network.
            var held: [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: path + "/lctest")) ?? []).filter { $0.hasPrefix("10.") }.sorted()
            }
            var ipam: String {
                ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"\(path)\",\"ranges\":[[{\"subnet\":\"10.98.0.0/24\"}]]}"
            }
            deinit { try? FileManager.default.removeItem(atPath: path) }
        }

        func config(_ selectors: String, version: String = "1.0.0", extra: String = "") -> String {
            "{\"cniVersion\":\"\(version)\",\"name\":\"lctest\",\"type\":\"host-device\",\(selectors)\(extra)}"
        }

        func run(_ command: String, _ config: String, netns: String?, container: String = "c1", sysfs: FakeSysfs) -> PluginRun {
            plugin(command, config, netns: netns, container: container, env: ["LINKCAPS_TEST_SYSFS_ROOT": sysfs.root])
        }

        func record(_ container: String = "c1") -> [String: Any]? {
            let data = FileManager.default.contents(atPath: "\(Lab.stateDir)/lctest_\(container)_net1.json")
            return data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }

        @Test(arguments: ["uio_pci_generic", "vfio-pci", "igb_uio"])
        func addCheckDelByPciBusID(_ driver: String) throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: driver), leases = Leases()
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            let selector = "\"pciBusID\":\"\(Self.function)\""
            let add = run("ADD", config(selector, extra: leases.ipam), netns: ns, sysfs: sysfs)
            try #require(add.status == 0, "\(add.stdout) \(add.stderr)")
            let interfaces = add.json["interfaces"] as? [[String: Any]]
            #expect(interfaces?.count == 1)
            #expect(interfaces?.first?["name"] as? String == "net1" && interfaces?.first?["sandbox"] as? String == ns)
            #expect(interfaces?.first?.keys.sorted() == ["name", "sandbox"], "no mac, no pciID before 1.1.0: \(add.stdout)")
            let ips = add.json["ips"] as? [[String: Any]]
            #expect(ips?.count == 1 && (ips?.first?["address"] as? String)?.hasPrefix("10.98.0.") == true, "\(add.stdout)")
            #expect(ips?.first?["interface"] as? Int == 0)
            #expect(leases.held.count == 1)
            #expect(sh("nsenter --net=\(ns) ip -o link | wc -l").output.trimmingCharacters(in: .whitespacesAndNewlines) == "1",
                    "nothing in the pod but lo")
            #expect(!sh("nsenter --net=\(ns) ip -o addr").output.contains("10.98."), "the address is not configured")
            let saved = try #require(record())
            #expect(saved["mode"] as? String == "dpdk" && saved["phase"] as? String == "added")
            let device = saved["device"] as? [String: Any]
            #expect(device?["pciID"] as? String == Self.function && device?["driver"] as? String == driver)
            #expect(device?["kernelpath"] as? String == "\(sysfs.root)/devices/pci0000:00/\(Self.function)")

            let prev = ",\"prevResult\":" + add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let check = run("CHECK", config(selector, extra: leases.ipam + prev), netns: ns, sysfs: sysfs)
            #expect(check.status == 0, "\(check.stdout)")
            let del = run("DEL", config(selector, extra: leases.ipam), netns: ns, sysfs: sysfs)
            #expect(del.status == 0, "\(del.stdout)")
            #expect(leases.held.isEmpty, "DEL released the address")
            #expect(record() == nil)
            #expect(run("DEL", config(selector, extra: leases.ipam), netns: ns, sysfs: sysfs).status == 0, "a second DEL")
            #expect(run("DEL", config(selector, extra: leases.ipam), netns: nil, sysfs: sysfs).status == 0, "DEL without CNI_NETNS")
        }

        /// CNI 1.1's pciID appears only in a 1.1.0 result; every earlier version gets none.
        @Test func pciIDOnlyIn110() throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: "vfio-pci")
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            for version in ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] {
                let c = config("\"pciBusID\":\"\(Self.function)\"", version: version)
                let add = run("ADD", c, netns: ns, sysfs: sysfs)
                try #require(add.status == 0, "\(version): \(add.stdout)")
                #expect(add.json["cniVersion"] as? String == version)
                let entry = (add.json["interfaces"] as? [[String: Any]])?.first
                #expect(entry?["pciID"] as? String == (version == "1.1.0" ? Self.function : nil), "\(version): \(add.stdout)")
                #expect(add.json["ips"] == nil, "no IPAM, no IPs")
                #expect(run("DEL", c, netns: ns, sysfs: sysfs).status == 0)
            }
        }

        /// host-device's own DPDK case (its suite, every version it runs it in): static IPAM, the interface
        /// exactly {name, sandbox}, the one address; then DEL.
        @Test(arguments: ["0.3.0", "0.3.1", "0.4.0", "1.0.0"])
        func theReferencesDpdkCase(_ version: String) throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: "vfio-pci")
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            let c = config("\"pciBusID\":\"\(Self.function)\"", version: version,
                           extra: ",\"ipam\":{\"type\":\"static\",\"addresses\":[{\"address\":\"10.10.0.1/24\",\"gateway\":\"10.10.0.254\"}]}")
            let env = ["LINKCAPS_TEST_SYSFS_ROOT": sysfs.root]
            let add = plugin("ADD", c, netns: ns, ifname: "eth0", container: "dummy", env: env)
            try #require(add.status == 0, "\(version): \(add.stdout)")
            let interfaces = try #require(add.json["interfaces"] as? [[String: Any]])
            #expect(interfaces.count == 1 && interfaces[0].keys.sorted() == ["name", "sandbox"], "\(add.stdout)")
            #expect(interfaces[0]["name"] as? String == "eth0" && interfaces[0]["sandbox"] as? String == ns)
            let ips = try #require(add.json["ips"] as? [[String: Any]])
            #expect(ips.count == 1 && ips[0]["address"] as? String == "10.10.0.1/24", "\(add.stdout)")
            #expect(plugin("DEL", c, netns: ns, ifname: "eth0", container: "dummy", env: env).status == 0)
        }

        /// runtimeConfig.deviceID overrides `device` (here a name no link has); pciBusID given with a
        /// `device` is refused (the function has no net device for it to name).
        @Test func deviceIDOverridesAndOtherSelectorsAreRefused() throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: "uio_pci_generic")
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            let byID = config("\"device\":\"lcnosuch0\",\"runtimeConfig\":{\"deviceID\":\"\(Self.function)\"}", version: "1.1.0")
            let add = run("ADD", byID, netns: ns, sysfs: sysfs)
            #expect(add.status == 0, "\(add.stdout)")
            #expect((add.json["interfaces"] as? [[String: Any]])?.first?["pciID"] as? String == Self.function)
            #expect(run("DEL", byID, netns: ns, sysfs: sysfs).status == 0)
            let both = run("ADD", config("\"device\":\"lcnosuch0\",\"pciBusID\":\"\(Self.function)\""), netns: ns, sysfs: sysfs)
            #expect(both.code == 7 && both.msg == "the selectors name different devices", "\(both.stdout)")
            #expect(both.details.contains("bound to uio_pci_generic"), "\(both.details)")
            #expect(record() == nil, "nothing recorded for a refused ADD")
            let own = config("\"pciBusID\":\"\(Self.function)\",\"kernelpath\":\"\(sysfs.root)/devices/pci0000:00/\(Self.function)\"")
            #expect(run("ADD", own, netns: ns, sysfs: sysfs).status == 0, "a kernelpath naming the function itself agrees")
            #expect(run("DEL", own, netns: ns, sysfs: sysfs).status == 0)
            let elsewhere = run("ADD", config("\"pciBusID\":\"\(Self.function)\",\"kernelpath\":\"\(sysfs.root)/devices\""), netns: ns, sysfs: sysfs)
            #expect(elsewhere.code == 7 && elsewhere.details.contains("kernelpath"), "\(elsewhere.stdout)")
        }

        /// Two ADDs for one function: the second is refused (7) naming the holder, whatever its selector;
        /// its runtime's DEL leaves the holder's record and lease alone.
        @Test func secondAddIsRefusedNamingTheHolder() throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: "vfio-pci"), leases = Leases()
            defer { lab.cleanUp() }
            let (ns1, ns2) = (try lab.namespace(), try lab.namespace())
            let first = run("ADD", config("\"pciBusID\":\"\(Self.function)\"", extra: leases.ipam), netns: ns1, container: "a", sysfs: sysfs)
            try #require(first.status == 0, "\(first.stdout)")
            let second = run("ADD", config("\"runtimeConfig\":{\"deviceID\":\"\(Self.function)\"}", extra: leases.ipam),
                             netns: ns2, container: "b", sysfs: sysfs)
            #expect(second.code == 7 && second.msg == "PCI function \(Self.function) (vfio-pci) is already attached to container a as net1",
                    "\(second.stdout)")
            #expect(leases.held.count == 1, "the loser got no address")
            #expect(run("DEL", config("\"pciBusID\":\"\(Self.function)\"", extra: leases.ipam), netns: ns2, container: "b", sysfs: sysfs).status == 0)
            #expect(record("a") != nil && leases.held.count == 1, "the loser's DEL kept the holder's record and lease")
            #expect(run("DEL", config("\"pciBusID\":\"\(Self.function)\"", extra: leases.ipam), netns: ns1, container: "a", sysfs: sysfs).status == 0)
            #expect(leases.held.isEmpty && record("a") == nil)
        }

        /// CHECK fails once the function is no longer held by a userspace driver; GC drops a DPDK
        /// attachment not listed (nothing moves), keeps a listed one.
        @Test func checkSeesTheDriverAndGCDropsTheUnlisted() throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: "uio_pci_generic")
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            let c = config("\"pciBusID\":\"\(Self.function)\"", version: "1.1.0")
            let add = run("ADD", c, netns: ns, sysfs: sysfs)
            try #require(add.status == 0, "\(add.stdout)")
            let withPrev = config("\"pciBusID\":\"\(Self.function)\"", version: "1.1.0",
                                  extra: ",\"prevResult\":" + add.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(run("CHECK", withPrev, netns: ns, sysfs: sysfs).status == 0)
            let otherPod = config("\"pciBusID\":\"\(Self.function)\"", version: "1.1.0",
                                  extra: ",\"prevResult\":{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"net1\",\"sandbox\":\"/run/netns/elsewhere\"}]}")
            #expect(run("CHECK", otherPod, netns: ns, sysfs: sysfs).status == 1, "prevResult names another sandbox")
            try sysfs.bind("virtio-pci")
            let check = run("CHECK", withPrev, netns: ns, sysfs: sysfs)
            #expect(check.status == 1 && check.msg.contains("no longer bound to a userspace driver") && check.details == "it is bound to virtio-pci",
                    "\(check.stdout)")
            try sysfs.bind("uio_pci_generic")
            let gcKeep = "{\"cniVersion\":\"1.1.0\",\"name\":\"lctest\",\"type\":\"host-device\",\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"net1\"}]}"
            #expect(run("GC", gcKeep, netns: nil, sysfs: sysfs).status == 0)
            #expect(record() != nil, "GC keeps a listed attachment")
            let gcNone = "{\"cniVersion\":\"1.1.0\",\"name\":\"lctest\",\"type\":\"host-device\",\"cni.dev/valid-attachments\":[]}"
            let gc = run("GC", gcNone, netns: nil, sysfs: sysfs)
            #expect(gc.status == 0, "\(gc.stdout)")
            #expect(record() == nil, "GC drops an attachment not listed")
            #expect(run("DEL", c, netns: ns, sysfs: sysfs).status == 0, "DEL after GC")
        }

        /// After a reboot a record holds nothing: another pod's of an earlier boot does not refuse the
        /// function, and this attachment's own is cleared (its DEL first) instead of refusing the ADD.
        @Test func recordsOfAnEarlierBootHoldNothing() throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: "uio_pci_generic")
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            let kernelpath = "\(sysfs.root)/devices/pci0000:00/\(Self.function)"
            for container in ["old", "c1"] {
                let text = "{\"version\":1,\"network\":\"lctest\",\"containerID\":\"\(container)\",\"ifname\":\"net1\",\"netns\":\"/run/netns/gone\","
                    + "\"phase\":\"added\",\"mode\":\"dpdk\",\"bootId\":\"an-earlier-boot\",\"device\":{\"pciID\":\"\(Self.function)\","
                    + "\"driver\":\"uio_pci_generic\",\"kernelpath\":\"\(kernelpath)\"},\"result\":null}"
                try text.write(toFile: "\(Lab.stateDir)/lctest_\(container)_net1.json", atomically: true, encoding: .utf8)
            }
            let c = config("\"pciBusID\":\"\(Self.function)\"")
            let add = run("ADD", c, netns: ns, sysfs: sysfs)
            #expect(add.status == 0, "\(add.stdout)")
            #expect(record()?["bootId"] as? String != "an-earlier-boot" && record()?["netns"] as? String == ns, "c1's record is this ADD's")
            #expect(record("old") != nil, "another attachment's record is left to its own DEL or GC")
            #expect(run("DEL", c, netns: ns, sysfs: sysfs).status == 0)
            #expect(run("DEL", c, netns: nil, container: "old", sysfs: sysfs).status == 0)
            #expect(try stateFiles().isEmpty)
        }

        /// A failed ADD leaves nothing: an IPAM plugin that is missing is refused before the record is
        /// written; one that fails (here host-local given a range it refuses) leaves no record and no lease.
        @Test func failedAddLeavesNoRecord() throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: "uio_pci_generic"), leases = Leases()
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            let selector = "\"pciBusID\":\"\(Self.function)\""
            let missing = run("ADD", config(selector, extra: ",\"ipam\":{\"type\":\"lc-no-such-ipam\"}"), netns: ns, sysfs: sysfs)
            #expect(missing.code == 7 && missing.msg.contains("not found in CNI_PATH"), "\(missing.stdout)")
            #expect(record() == nil)
            let refused = leases.ipam.replacingOccurrences(of: "10.98.0.0/24", with: "10.98.0.0/33")
            let failed = run("ADD", config(selector, extra: refused), netns: ns, sysfs: sysfs)
            #expect(failed.status == 1 && failed.msg.contains("IPAM plugin host-local (ADD) failed"), "\(failed.stdout)")
            #expect(record() == nil && leases.held.isEmpty, "nothing recorded, nothing leased")
            #expect(try stateFiles().isEmpty)
        }

        /// A function bound to a kernel driver is not DPDK mode: selected by pciBusID it must hold a net
        /// device in the host, and this one (in the prepared tree only) is no PCI device the host knows.
        @Test func kernelDriverIsNotDpdkMode() throws {
            let lab = Lab(), sysfs = try FakeSysfs(driver: "virtio-pci")
            defer { lab.cleanUp() }
            let ns = try lab.namespace()
            let id = "1234:56:07.0"   // no such function in the host's real sysfs
            try FileManager.default.createSymbolicLink(atPath: "\(sysfs.root)/bus/pci/devices/\(id)",
                                                       withDestinationPath: "../../../devices/pci0000:00/\(Self.function)")
            let add = run("ADD", config("\"pciBusID\":\"\(id)\""), netns: ns, sysfs: sysfs)
            #expect(add.code == 7 && add.msg == "no PCI device \(id)", "\(add.stdout)")
            #expect(record() == nil)
        }
    }
}
