import Foundation
@testable import HostDevice
import JSONText
import Testing

/// DPDK-mode state records (`"mode": "dpdk"`): read back as written, and refused by field, like the others,
/// when they hold what we would not have written. No root needed.
@Suite struct DpdkRecordTests {
    static let sample = Attachment(network: "uplink", containerID: "c1", ifname: "net1", netns: "/run/netns/c1", phase: .added,
                                   function: UserspaceFunction(pciID: "0000:03:00.1", driver: "vfio-pci",
                                                               kernelpath: "/sys/devices/pci0000:00/0000:00:02.0/0000:03:00.1"),
                                   result: .object([("cniVersion", .string("1.1.0")), ("interfaces", .array([]))]))

    @Test func roundTripAndMode() throws {
        let directory = StateTests.Directory()
        try directory.store.save(Self.sample)
        let read = try #require(try directory.store.load(network: "uplink", containerID: "c1", ifname: "net1"))
        #expect(read == Self.sample && read.mode == .dpdk && read.original == nil && read.index == nil)
        let text = try String(contentsOfFile: directory.path + "/uplink_c1_net1.json", encoding: .utf8)
        #expect(text.contains(#""mode":"dpdk""#) && text.contains(#""device":{"pciID":"0000:03:00.1","driver":"vfio-pci","kernelpath":"#))
        try directory.store.save(StateTests.sample)
        let netdev = try String(contentsOfFile: directory.path + "/uplink_c1_net1.json", encoding: .utf8)
        #expect(netdev.contains(#""mode":"netdev""#))
        // Records written before the mode was kept are net devices.
        try directory.write("uplink_c1_net1.json", netdev.replacingOccurrences(of: #""mode":"netdev","#, with: ""))
        #expect(try directory.store.load(network: "uplink", containerID: "c1", ifname: "net1") == StateTests.sample)
    }

    /// The fuzzer's seed for DPDK records is one: it starts from the shape the reader takes.
    @Test func fuzzSeedIsARecord() throws {
        let seed = packageRoot + "/Fuzzing/Corpus/state/dpdk-added"
        let bytes = try #require(FileManager.default.contents(atPath: seed), "\(seed)")
        let record = try Attachment(try JSON.parse(Array(bytes)))
        #expect(record.mode == .dpdk && record.function?.driver == "uio_pci_generic")
    }

    static let malformed: [(String, String, String)] = [
        (#""mode":"dpdk""#, #""mode":"sriov""#, "mode must be one of"),
        (#""mode":"dpdk""#, #""mode":5"#, "mode must be a string"),
        (#""driver":"vfio-pci""#, #""driver":"virtio-pci""#, "device.driver \"virtio-pci\" is not a userspace driver"),
        (#""driver":"vfio-pci""#, #""driver":"""#, "device.driver \"\" is empty"),
        (#""pciID":"0000:03:00.1""#, #""pciID":"../../x""#, "device.pciID"),
        (#""pciID":"0000:03:00.1""#, #""pciID":""# + String(repeating: "a", count: 65) + "\"", "device.pciID"),
        (#""pciID":"0000:03:00.1""#, #""pciID":7"#, "device.pciID must be a string"),
        (#""kernelpath":"/sys"#, #""kernelpath":"sys"#, "device.kernelpath"),
        (#""kernelpath":"/sys"#, #""kernelpath":"/sys\u0000"#, "device.kernelpath"),
        (#""pciID":"0000:03:00.1""#, #""name":"eth5","pciID":"0000:03:00.1""#, "device.name does not belong in a dpdk record"),
        (#""mode":"dpdk""#, #""mode":"dpdk","strategy":"single-request""#, "strategy must be null in a dpdk record"),
        (#""result":{"#, #""result":[1],"x":{"#, "result must be an object"),
    ]

    @Test(arguments: malformed)
    func malformedRecordsAreRefusedByName(_ good: String, _ bad: String, _ reason: String) throws {
        let directory = StateTests.Directory()
        try directory.store.save(Self.sample)
        let file = directory.path + "/uplink_c1_net1.json"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(good), "the sample record holds \(good)")
        try directory.write("uplink_c1_net1.json", text.replacingOccurrences(of: good, with: bad))
        #expect { try directory.store.load(network: "uplink", containerID: "c1", ifname: "net1") } throws: { error in
            guard let error = error as? CNIError else { return false }
            return error.code == .decodeFailure && error.msg.contains(file) && error.msg.contains(reason)
        }
    }
}
