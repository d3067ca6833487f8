import Capabilities
import Foundation
@testable import HostDevice
import JSONText
import Policy
import Testing

/// State records: what is written reads back the same; what we would not have written is refused with the
/// file and the field named, never a trap. In a temporary directory; no root needed.
@Suite struct StateTests {
    static let sample = Attachment(network: "uplink", containerID: "c1", ifname: "net1", netns: "/run/netns/c1", phase: .added,
                                   strategy: .singleRequest, index: 2_147_483_647,
                                   original: OriginalState(name: "eth5", up: true, mtu: 4_294_967_295, mac: MACAddress("aa:bb:cc:dd:ee:ff"),
                                                           alias: "uplink \"to the\" core",
                                                           altNames: ["enp3s0", "lc-uplink-a-long-altname"]),
                                   kernelpath: "/sys/devices/pci0000:00/0000:00:05.0/virtio1",
                                   result: .object([("cniVersion", .string("1.1.0")), ("interfaces", .array([]))]),
                                   netnsPin: "/var/lib/cni/linkcaps/uplink_c1_net1.podns")

    final class Directory {
        let path: String
        let store: StateStore
        init() {
            var template = Array("/tmp/linkcaps-state-test.XXXXXX".utf8CString)
            path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
            store = StateStore(environment: ["LINKCAPS_STATE_DIR": path])
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func write(_ name: String, _ text: String) throws { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
    }

    @Test func roundTrip() throws {
        let directory = Directory()
        try directory.store.save(Self.sample)
        #expect(try directory.store.load(network: "uplink", containerID: "c1", ifname: "net1") == Self.sample)
        var minimal = Self.sample
        minimal.netns = nil; minimal.strategy = nil; minimal.result = nil; minimal.phase = .adding
        minimal.original = OriginalState(name: "e", up: false, mtu: 0, mac: nil, alias: nil)
        minimal.kernelpath = nil; minimal.netnsPin = nil
        try directory.store.save(minimal)
        #expect(try directory.store.load(network: "uplink", containerID: "c1", ifname: "net1") == minimal)
        #expect(try directory.store.load(network: "uplink", containerID: "c2", ifname: "net1") == nil, "no file: no record")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["uplink_c1_net1.json"], "no temporary left")
    }

    /// Each malformed record: (what is changed in a good one, the reason that must be given).
    static let malformed: [(String, String, String)] = [
        (#""ifindex":2147483647"#, #""ifindex":2147483648"#, "ifindex must be an integer in 1...2147483647"),
        (#""ifindex":2147483647"#, #""ifindex":0"#, "ifindex must be an integer"),
        (#""ifindex":2147483647"#, #""ifindex":-5"#, "ifindex must be an integer"),
        (#""ifindex":2147483647"#, #""ifindex":99999999999999999999999"#, "ifindex must be an integer"),
        (#""ifindex":2147483647"#, #""ifindex":1.5"#, "ifindex must be an integer"),
        (#""ifindex":2147483647"#, #""ifindex":"7""#, "ifindex must be an integer"),
        (#""mtu":4294967295"#, #""mtu":4294967296"#, "mtu must be an integer in 0...4294967295"),
        (#""mtu":4294967295"#, #""mtu":-1"#, "mtu must be an integer"),
        (#""name":"eth5""#, #""name":"<40000 a>""#, "device.name"), (#""name":"eth5""#, #""name":"a/b""#, "device.name"),
        (#""name":"eth5""#, #""name":"eth5\u0000x""#, "device.name"), (#""name":"eth5""#, #""name":5"#, "name must be a string"),
        (#""mac":"aa:bb:cc:dd:ee:ff""#, #""mac":"zz""#, "device.mac"),
        (#""alias":"uplink \"to the\" core""#, #""alias":"<300 x>""#, "device.alias"),
        (#""up":true"#, #""up":"yes""#, "device.up"), (#""phase":"added""#, #""phase":"done""#, "phase"),
        (#""strategy":"single-request""#, #""strategy":"teleport""#, "unknown strategy"),
        (#""ifname":"net1""#, #""ifname":"net1:0""#, "ifname"), (#""containerID":"c1""#, #""containerID":"../c1""#, "containerID"),
        (#""version":1"#, #""version":2"#, "version"), (#""result":{"#, #""result":[1],"x":{"#, "result must be an object"),
        (#""altNames":["enp3s0""#, #""altNames":[5"#, "device.altNames must be an array of strings"),
        (#""altNames":["enp3s0""#, #""altNames":"enp3s0","x":["enp3s0""#, "device.altNames must be an array of strings"),
        (#""altNames":["enp3s0""#, #""altNames":["""#, "device.altNames[0] \"\" is empty"),
        (#""altNames":["enp3s0""#, #""altNames":["<128 a>""#, "device.altNames[0]"),
        (#""altNames":["enp3s0""#, #""altNames":["enp3s0\u0000x""#, "device.altNames[0]"),
        (#""altNames":["enp3s0""#, #""altNames":[<511 "a",>"enp3s0""#, "device.altNames holds more than 512 names"),
        (#""kernelpath":"/sys/devices"#, #""kernelpath":"sys/devices"#, "device.kernelpath"),
        (#""kernelpath":"/sys/devices"#, #""kernelpath":"/sys\u0000/devices"#, "device.kernelpath"),
        (#""kernelpath":"/sys/devices"#, #""kernelpath":5,"x":"/sys/devices"#, "kernelpath must be a string"),
        (#""netnsPin":"/var"#, #""netnsPin":"var"#, "netnsPin"), (#""netnsPin":"/var"#, #""netnsPin":"/v\u0000ar"#, "netnsPin"),
        (#""netnsPin":"/var"#, #""netnsPin":7,"x":"/var"#, "netnsPin must be a string"),
    ]

    @Test(arguments: malformed)
    func malformedRecordsAreRefusedByName(_ good: String, _ bad: String, _ reason: String) throws {
        let directory = Directory()
        try directory.store.save(Self.sample)
        let file = directory.path + "/uplink_c1_net1.json"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(good), "the sample record holds \(good)")
        var replacement = bad
        if let start = bad.range(of: "<"), let end = bad.range(of: ">") {
            let spec = bad[start.upperBound..<end.lowerBound].split(separator: " ")
            replacement.replaceSubrange(start.lowerBound..<end.upperBound, with: String(repeating: String(spec[1]), count: Int(spec[0])!))
        }
        try directory.write("uplink_c1_net1.json", text.replacingOccurrences(of: good, with: replacement))
        #expect { try directory.store.load(network: "uplink", containerID: "c1", ifname: "net1") } throws: { error in
            guard let error = error as? CNIError else { return false }
            return error.code == .decodeFailure && error.msg.contains("uplink_c1_net1.json") && error.msg.contains(reason)
                && error.msg.utf8.count < 600
        }
    }

    /// The most altnames a record keeps, each of the longest length, read back as written; a record from
    /// before altnames and device paths were kept reads as one without them.
    @Test func altNamesAtTheirBoundsAndOlderRecords() throws {
        let directory = Directory()
        var full = Self.sample
        full.original?.altNames = (0..<Attachment.altNamesLimit).map { String(format: "%03d", $0) + String(repeating: "a", count: 124) }
        try directory.store.save(full)
        #expect(try directory.store.load(network: "uplink", containerID: "c1", ifname: "net1") == full)
        var old = Self.sample
        old.original?.altNames = []
        old.kernelpath = nil
        let file = directory.path + "/uplink_c1_net1.json"
        try directory.store.save(old)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try directory.write("uplink_c1_net1.json", text.replacingOccurrences(of: #","altNames":[],"kernelpath":null"#, with: ""))
        #expect(try String(contentsOfFile: file, encoding: .utf8) != text, "the fields were taken out")
        #expect(try directory.store.load(network: "uplink", containerID: "c1", ifname: "net1") == old)
    }

    @Test func notJSONTooLargeOrNotAFile() throws {
        let directory = Directory()
        try directory.write("uplink_c1_net1.json", "{\"version\":")
        try directory.write("uplink_c2_net1.json", String(repeating: " ", count: StateStore.fileSizeLimit + 1))
        #expect(mkdir(directory.path + "/uplink_c3_net1.json", 0o700) == 0)
        for id in ["c1", "c2", "c3"] {
            #expect(throws: CNIError.self, "\(id)") { try directory.store.load(network: "uplink", containerID: id, ifname: "net1") }
        }
        // The listing reports each bad file and still lists the good one.
        try directory.store.save(Self.sample)
        let all = directory.store.all()
        #expect(all.map(\.file) == ["uplink_c1_net1.json", "uplink_c2_net1.json", "uplink_c3_net1.json"])
        #expect(all.filter { if case .failure = $0.attachment { return true } else { return false } }.count == 2)
    }

    @Test func aNameTooLongForTheStateDirectoryIsRefused() {
        #expect(throws: Never.self) { try StateStore.checkName(network: "n", containerID: String(repeating: "c", count: 64), ifname: "net1") }
        #expect { try StateStore.checkName(network: String(repeating: "n", count: 200), containerID: String(repeating: "c", count: 64),
                                           ifname: "net1") } throws: { ($0 as? CNIError)?.code == .invalidConfig }
    }
}

/// Bad input through the plugin's entry point, in-process: each gets its CNI error before anything could
/// be touched (these fail before the plugin opens a namespace or a socket, so no root is needed).
@Suite struct PluginInputTests {
    let env = ["CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c1", "CNI_NETNS": "/nonexistent/netns", "CNI_IFNAME": "net1",
               "LINKCAPS_STATE_DIR": "/nonexistent/state", "LINKCAPS_CACHE_DIR": "/nonexistent/cache"]

    func run(_ stdin: String?, _ changes: [String: String] = [:]) -> (code: Int?, msg: String, status: Int32) {
        // nil: a stdin longer than the limit, as main reports it (readToEnd's EFBIG).
        let plugin = Plugin(environment: env.merging(changes) { $1 },
                            stdin: stdin.map { .success(Array($0.utf8)) } ?? .failure(.fileTooLarge))
        let (output, status) = plugin.main()
        let json = try? JSON.parse(output)
        return (json?["code"]?.int, json?["msg"]?.string ?? output, status)
    }

    static let cases: [(String, String?, [String: String], Int, String)] = [
        ("40 KB device", #"{"cniVersion":"1.0.0","name":"n","device":"<40000>"}"#, [:], 7, "longer than 127 bytes"),
        ("NUL in device", #"{"cniVersion":"1.0.0","name":"n","device":"eth0\u0000"}"#, [:], 7, "NUL"),
        ("two devices", #"{"cniVersion":"1.0.0","name":"n","device":"a","device":"b"}"#, [:], 6, "duplicate key"),
        ("a +1", #"{"cniVersion":"1.0.0","name":"n","device":"a","mtu":+1}"#, [:], 6, "not valid JSON"),
        ("no cniVersion", #"{"name":"n","device":"a"}"#, [:], 1, "no cniVersion"),
        ("stdin too large", nil, [:], 6, "larger than"),
        ("40 KB ifname", #"{"cniVersion":"1.0.0","name":"n","device":"a"}"#, ["CNI_IFNAME": "<40000>"], 4, "longer than 15"),
        ("bad container id", #"{"cniVersion":"1.0.0","name":"n","device":"a"}"#, ["CNI_CONTAINERID": "../x"], 4, "CNI_CONTAINERID"),
        ("bad CNI_ARGS", #"{"cniVersion":"1.0.0","name":"n","device":"a"}"#, ["CNI_ARGS": "K8S"], 4, "CNI_ARGS"),
        ("state name too long", #"{"cniVersion":"1.0.0","name":"<200>","device":"a"}"#, ["CNI_CONTAINERID": "<64>"], 7, "too long together"),
    ]

    @Test func aStdinThatCannotBeReadIsSaidWithItsErrno() {
        let plugin = Plugin(environment: env, stdin: .failure(.ioError))
        let (output, status) = plugin.main()
        let json = try? JSON.parse(output)
        #expect(status == 1 && json?["code"]?.int == 5, "CNI's I/O failure: \(output)")
        #expect(json?["msg"]?.string?.contains("stdin: EIO (5)") == true, "\(output)")
    }

    /// The built plugin given a directory as stdin: read() answers EISDIR, and the answer names it.
    @Test func theBuiltPluginNamesTheErrnoOfItsStdin() {
        let variables = env.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let run = sh("exec env -i \(variables) \(pluginPath) 2>/dev/null < /")
        let json = try? JSON.parse(Array(run.output.utf8))
        #expect(run.status == 1 && json?["code"]?.int == 5, "\(run)")
        #expect(json?["msg"]?.string?.contains("stdin: EISDIR (21)") == true, "\(run)")
    }

    @Test(arguments: cases.map { $0.0 })
    func refusedWithItsCode(_ label: String) {
        let (_, stdin, changes, code, message) = Self.cases.first { $0.0 == label }!
        let expand = { (text: String) in
            text.replacingOccurrences(of: "<40000>", with: String(repeating: "a", count: 40_000))
                .replacingOccurrences(of: "<200>", with: String(repeating: "n", count: 200))
                .replacingOccurrences(of: "<64>", with: String(repeating: "c", count: 64))
        }
        let result = run(stdin.map(expand), changes.mapValues(expand))
        #expect(result.status == 1 && result.code == code && result.msg.contains(message), "\(label): \(result)")
        #expect(result.msg.utf8.count < 600, "the message quotes only the start of a hostile value")
    }
}
