import Capabilities
import Glibc
@testable import HostDevice
import JSONText
import Testing

/// The network configuration (NetConf): every field, wrong types, and the bounds on what reaches the
/// kernel or a path — read without root, before anything could move.
@Suite struct NetConfTests {
    func parse(_ text: String, _ command: CNIEnvironment.Command = .add) throws(CNIError) -> NetConf {
        try NetConf.parse(Array(text.utf8), command: command)
    }

    func refusal(_ text: String, _ command: CNIEnvironment.Command = .add) -> CNIError? {
        do { _ = try parse(text, command); return nil } catch { return error }
    }

    /// A configuration with `field` ("\"key\":value") added to, or replacing, cniVersion, name and device.
    /// `<N x>` in the field stands for N copies of x (so that test names stay short).
    func config(_ field: String) -> String {
        var field = field
        while let start = field.range(of: "<"), let end = field.range(of: ">", range: start.upperBound..<field.endIndex) {
            let spec = field[start.upperBound..<end.lowerBound].split(separator: " ")
            field.replaceSubrange(start.lowerBound..<end.upperBound,
                                  with: String(repeating: String(spec[1]), count: Int(spec[0]) ?? 0))
        }
        let key = field.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let base = [#""cniVersion":"1.1.0""#, #""name":"n""#, #""device":"eth0""#].filter { !$0.hasPrefix(key + ":") }
        return "{" + (base + [field]).joined(separator: ",") + "}"
    }

    @Test func everyField() throws {
        let conf = try parse("""
            {"cniVersion":"1.1.0","name":"uplink","type":"linkcaps-host-device","device":"eth5","hwaddr":"AA:bb:CC:00:11:22",
             "kernelpath":"/sys/devices/pci0000:00/0000:00:03.0","pciBusID":"0000:00:03.0",
             "runtimeConfig":{"deviceID":"0000:03:00.1"},"ipam":{"type":"host-local","subnet":"10.1.0.0/16"},
             "strategy":"scratch-namespace","prevResult":{"interfaces":[]},
             "cni.dev/valid-attachments":[{"containerID":"c1","ifname":"net1"}]}
            """)
        #expect(conf.cniVersion == "1.1.0" && conf.name == "uplink")
        #expect(conf.device == "eth5" && conf.hwaddr?.description == "aa:bb:cc:00:11:22")
        #expect(conf.kernelpath == "/sys/devices/pci0000:00/0000:00:03.0" && conf.pciBusID == "0000:00:03.0")
        #expect(conf.runtimeDeviceID == "0000:03:00.1" && conf.ipamType == "host-local")
        #expect(conf.strategy == .scratchNamespace && conf.prevResult?.isObject == true)
        #expect(conf.validAttachments.map { "\($0.containerID)/\($0.ifname)" } == ["c1/net1"])
    }

    /// Missing or unsupported cniVersion is code 1, found while parsing: before any device is looked at.
    @Test func cniVersion() {
        #expect(refusal(#"{"name":"n","device":"eth0"}"#)?.code == .incompatibleVersion)
        #expect(refusal(#"{"cniVersion":"0.2.0","name":"n","device":"eth0"}"#)?.code == .incompatibleVersion)
        #expect(refusal(#"{"cniVersion":1,"name":"n","device":"eth0"}"#)?.code == .decodeFailure)
        #expect(refusal(#"{"cniVersion":"1.0.0","name":"n","device":"eth0"}"#, .check)?.msg.contains("prevResult") == true)
        #expect(refusal(#"{"cniVersion":"0.3.1","name":"n","device":"eth0","prevResult":{}}"#, .check)?.code == .incompatibleVersion)
        #expect(refusal(#"{"cniVersion":"1.0.0","name":"n"}"#, .status)?.code == .incompatibleVersion)
        #expect(refusal(#"{"cniVersion":"1.0.0","name":"n"}"#, .gc)?.code == .incompatibleVersion)
    }

    static let wrongTypes: [(String, String)] = [
        (#""device":5"#, "device must be a string"), (#""hwaddr":["aa"]"#, "hwaddr must be a string"),
        (#""kernelpath":true"#, "kernelpath must be a string"), (#""pciBusID":{}"#, "pciBusID must be a string"),
        (#""runtimeConfig":"x""#, "runtimeConfig must be an object"), (#""runtimeConfig":{"deviceID":1}"#, "deviceID must be a string"),
        (#""prevResult":[]"#, "prevResult must be an object"), (#""strategy":1"#, "strategy must be a string"),
        (#""name":7"#, "name must be a string"), (#""cni.dev/valid-attachments":{}"#, "must be an array"),
        (#""cni.dev/valid-attachments":[{"containerID":"c1"}]"#, "needs a containerID and an ifname"),
        (#""cni.dev/valid-attachments":[{"containerID":"c1","ifname":5}]"#, "needs a containerID and an ifname"),
    ]

    @Test(arguments: wrongTypes)
    func wrongTypesAreDecodeFailures(_ field: String, _ message: String) {
        let error = refusal(config(field))
        #expect(error?.code == .decodeFailure && error?.msg.contains(message) == true, "\(field): \(String(describing: error))")
    }

    static let invalid: [(String, String)] = [
        (#""device":"<40000 a>""#, "longer than 127 bytes"), (#""device":"<128 a>""#, "longer than 127 bytes"),
        (#""device":"eth0\u0000eth1""#, "NUL"),
        (#""hwaddr":"aa:bb:cc:dd:ee:fg""#, "not a MAC address"), (#""hwaddr":"aa-bb-cc-dd-ee-ff""#, "not a MAC address"),
        (#""hwaddr":"+a:bb:cc:dd:ee:ff""#, "not a MAC address"),
        (#""hwaddr":"<32 aa:>aa""#, "not a MAC address"),
        (#""kernelpath":"sys/devices/x""#, "absolute"), (#""kernelpath":"/<5000 x>""#, "longer than"),
        (#""pciBusID":"../../class/net/eth0""#, "not a device id"), (#""runtimeConfig":{"deviceID":"a/b"}"#, "not a device id"),
        (#""ipam":{"type":"../bin/sh"}"#, "not a plugin name"), (#""ipam":{}"#, "with a \"type\""), (#""ipam":"host-local""#, "with a \"type\""),
        (#""strategy":"teleport""#, "unknown strategy"), (#""name":"bad name""#, "network name"), (#""name":"-x""#, "network name"),
    ]

    @Test(arguments: invalid)
    func invalidValuesAreConfigErrors(_ field: String, _ message: String) {
        let error = refusal(config(field))
        #expect(error?.code == .invalidConfig && error?.msg.contains(message) == true, "\(field.prefix(80)): \(String(describing: error))")
        // Messages quote at most the start of a hostile value.
        #expect((error?.description.utf8.count ?? 0) < 600)
    }

    @Test func boundsAreInclusive() throws {
        let altname = String(repeating: "a", count: 127)
        #expect(try parse(#"{"cniVersion":"1.1.0","name":"n","device":"\#(altname)"}"#).device == altname)
        #expect(try parse(#"{"cniVersion":"1.1.0","name":"n","hwaddr":"aa:bb:cc:dd:ee"}"#).hwaddr?.description == "aa:bb:cc:dd:ee")
    }

    @Test func selectorsAndNames() {
        #expect(refusal(#"{"cniVersion":"1.1.0","name":"n"}"#)?.msg.contains("specify one of") == true)
        #expect(refusal(#"{"cniVersion":"1.1.0","device":"eth0"}"#)?.msg.contains("network name") == true)
        #expect(refusal(#"{"cniVersion":"1.1.0"}"#, .status) == nil, "STATUS needs neither")
        #expect(refusal(#"{"cniVersion":"1.1.0","name":"n","cni.dev/valid-attachments":null}"#, .gc) == nil)
    }

    @Test func notJSONOrNotAnObject() {
        #expect(refusal("")?.msg.contains("empty") == true)
        #expect(refusal("[1]")?.msg.contains("not a JSON object") == true)
        #expect(refusal(#"{"cniVersion":"1.1.0","name":"n","device":"a","device":"b"}"#)?.msg.contains("duplicate key") == true)
    }
}

/// The CNI_* variables, read without root.
@Suite struct EnvironmentTests {
    let add = ["CNI_COMMAND": "ADD", "CNI_CONTAINERID": "c1", "CNI_NETNS": "/run/netns/c1", "CNI_IFNAME": "net1",
               "CNI_PATH": "/opt/cni/bin::/usr/lib/cni", "CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAME=a=b;"]

    func refusal(_ changes: [String: String?]) -> CNIError? {
        var env = add
        for (key, value) in changes { env[key] = value }
        do { _ = try CNIEnvironment.read(env); return nil } catch { return error }
    }

    /// The process environment as the plugin reads it: split at the first "=", every variable getenv sees.
    @Test func theProcessEnvironment() {
        setenv("LINKCAPS_TEST_ENVIRONMENT", "K8S_POD_NAME=a=b;é=😀", 1)
        defer { unsetenv("LINKCAPS_TEST_ENVIRONMENT") }
        let env = CNIEnvironment.process
        #expect(env["LINKCAPS_TEST_ENVIRONMENT"] == "K8S_POD_NAME=a=b;é=😀")
        var count = 0
        while environ[count] != nil { count += 1 }
        #expect(env.count <= count && !env.isEmpty)
        for (key, value) in env { #expect(getenv(key).map { String(cString: $0) } == value, "\(key)") }
    }

    @Test func aGoodEnvironment() throws {
        let env = try CNIEnvironment.read(add)
        #expect(env.command == .add && env.containerID == "c1" && env.netns == "/run/netns/c1" && env.ifname == "net1")
        #expect(env.path == ["/opt/cni/bin", "/usr/lib/cni"], "empty CNI_PATH entries dropped")
        #expect(env.argPairs.map { "\($0.key)=\($0.value)" } == ["IgnoreUnknown=1", "K8S_POD_NAME=a=b"])
    }

    static let bad: [([String: String?], String)] = [
        (["CNI_COMMAND": nil], "CNI_COMMAND is not set"), (["CNI_COMMAND": "add"], "unknown CNI_COMMAND"),
        (["CNI_CONTAINERID": nil], "CNI_CONTAINERID is not set"), (["CNI_CONTAINERID": "a/b"], "CNI_CONTAINERID"),
        (["CNI_CONTAINERID": String(repeating: "c", count: 300)], "longer than"),
        (["CNI_NETNS": nil], "CNI_NETNS is not set"), (["CNI_NETNS": "/" + String(repeating: "n", count: 5000)], "CNI_NETNS"),
        (["CNI_IFNAME": nil], "CNI_IFNAME"), (["CNI_IFNAME": ""], "CNI_IFNAME"),
        (["CNI_IFNAME": "abcdefghijklmnop"], "longer than 15"), (["CNI_IFNAME": String(repeating: "x", count: 40_000)], "longer than 15"),
        (["CNI_IFNAME": ".."], "cannot be"), (["CNI_IFNAME": "a:b"], "contains"), (["CNI_IFNAME": "a\tb"], "contains"),
        (["CNI_ARGS": "IgnoreUnknown"], "not KEY=VALUE"), (["CNI_ARGS": "=1"], "not KEY=VALUE"),
    ]

    @Test(arguments: bad)
    func badEnvironmentIsCode4(_ changes: [String: String?], _ message: String) {
        let error = refusal(changes)
        #expect(error?.code == .invalidEnvironment && error?.msg.contains(message) == true, "\(changes.keys): \(String(describing: error))")
    }

    @Test func delNeedsNoNetnsAndVersionNeedsNothing() throws {
        #expect(refusal(["CNI_COMMAND": "DEL", "CNI_NETNS": nil]) == nil)
        #expect(try CNIEnvironment.read(["CNI_COMMAND": "VERSION"]).ifname == "")
    }
}

/// Addresses and routes from an IPAM result, parsed and turned into requests without a socket.
@Suite struct CIDRTests {
    @Test(arguments: [("10.1.2.3/24", 2, 24), ("10.1.2.3", 2, 32), ("0.0.0.0/0", 2, 0), ("fd00::1/64", 10, 64),
                      ("::/0", 10, 0), ("fe80::1", 10, 128), ("10.1.2.3/032", 2, 32)])
    func parses(_ text: String, _ family: Int, _ prefix: Int) throws {
        let (f, _, p) = try #require(AddressConfig.parseCIDR(text))
        #expect(Int(f) == family && Int(p) == prefix)
    }

    @Test(arguments: ["10.1.2.3/33", "fd00::1/129", "10.1.2.3/", "10.1.2.3/-1", "10.1.2.3/+24", "10.1.2.3/ 24",
                      "10.1.2.3/24/5", "10.1.2.3/99999999999", "010.1.2.3/8", "10.1.2/24", "10.1.2.3.4", "", "/24",
                      "garbage", "10.0.0.1\u{0}junk/24", "fd00::1%eth0/64"])
    func refuses(_ text: String) {
        #expect(AddressConfig.parseCIDR(text) == nil, "\(text.debugDescription)")
    }

    @Test func anIPAMResultBecomesAddressesThenRoutes() throws {
        let result = try JSON.parse(#"""
            {"ips":[{"address":"10.9.8.7/24","gateway":"10.9.8.1"},{"address":"fd00::7/64"}],
             "routes":[{"dst":"0.0.0.0/0"},{"dst":"10.0.0.0/8","gw":"10.9.8.254"},{"dst":"fd01::/64"}]}
            """#)
        let requests = try AddressConfig.requests(result, index: 7).map(\.description)
        #expect(requests == ["RTM_NEWADDR ifindex=7 10.9.8.7/24", "RTM_NEWADDR ifindex=7 fd00::7/64",
                             "RTM_NEWROUTE 0.0.0.0/0 via 10.9.8.1 oif=7", "RTM_NEWROUTE 10.0.0.0/8 via 10.9.8.254 oif=7",
                             "RTM_NEWROUTE fd01::/64 oif=7"])
    }

    @Test(arguments: [#"{"ips":[{"address":"10.9.8.7/40"}]}"#, #"{"ips":[{"address":7}]}"#, #"{"ips":[{}]}"#,
                      #"{"ips":[{"address":"10.9.8.7/24","gateway":"fd00::1"}]}"#, #"{"routes":[{"dst":"nowhere"}]}"#,
                      #"{"routes":[{"dst":"0.0.0.0/0","gw":"bogus"}]}"#])
    func badResultsAreDecodeFailures(_ text: String) throws {
        let result = try JSON.parse(text)
        #expect { try AddressConfig.requests(result, index: 7) } throws: { ($0 as? CNIError)?.code == .decodeFailure }
    }
}
