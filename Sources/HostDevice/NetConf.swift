import Capabilities
import JSONText
import Policy

/// The network configuration on stdin, as host-device users know it, plus linkcaps' `strategy`.
public struct NetConf: Sendable {
    public static let supportedVersions = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]
    public static let latest = "1.1.0"

    public var raw: JSON
    public var cniVersion: String
    public var name: String
    public var device: String?
    public var hwaddr: MACAddress?
    public var kernelpath: String?
    public var pciBusID: String?
    public var runtimeDeviceID: String?
    public var ipamType: String?
    public var strategy: Strategy?
    public var prevResult: JSON?
    public var validAttachments: [(containerID: String, ifname: String)]

    public var hasSelector: Bool { device != nil || hwaddr != nil || kernelpath != nil || pciBusID != nil || runtimeDeviceID != nil }

    /// Orders two versions ("0.4.0" < "1.0.0").
    public static func versionAtLeast(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        return x.lexicographicallyPrecedes(y) == false
    }

    public static func parse(_ bytes: [UInt8], command: CNIEnvironment.Command) throws(CNIError) -> NetConf {
        let json: JSON
        do { json = try JSON.parse(bytes) } catch {
            throw CNIError(.decodeFailure, bytes.isEmpty ? "the network configuration on stdin is empty"
                                                         : "the network configuration is not valid JSON: \(error)")
        }
        guard json.isObject else { throw CNIError(.decodeFailure, "the network configuration is not a JSON object") }
        guard let versionValue = json["cniVersion"] else {
            throw CNIError(.incompatibleVersion, "the network configuration has no cniVersion",
                           details: "this plugin supports \(supportedVersions.joined(separator: ", "))")
        }
        guard let version = versionValue.string else { throw CNIError(.decodeFailure, "cniVersion must be a string") }
        if command != .version, !supportedVersions.contains(version) {
            throw CNIError(.incompatibleVersion, "incompatible CNI versions",
                           details: "config is \(InputCheck.shown(version)), plugin supports \(supportedVersions.joined(separator: ", "))")
        }
        func text(_ key: String, in object: JSON? = nil) throws(CNIError) -> String? {
            guard let value = (object ?? json)[key], value != .null else { return nil }
            guard let s = value.string else { throw CNIError(.decodeFailure, "\(key) must be a string") }
            return s.isEmpty ? nil : s
        }
        /// A string field that becomes a link name, a path or part of one: refused (code 7) when it could
        /// overrun what the kernel takes or name something else than it says.
        func bounded(_ key: String, in object: JSON? = nil, _ problem: (String) -> String?) throws(CNIError) -> String? {
            guard let value = try text(key, in: object) else { return nil }
            if let problem = problem(value) { throw CNIError(.invalidConfig, "\(key) \(InputCheck.shown(value)) \(problem)") }
            return value
        }
        func object(_ key: String) throws(CNIError) -> JSON? {
            guard let value = json[key], value != .null else { return nil }
            guard value.isObject else { throw CNIError(.decodeFailure, "\(key) must be an object") }
            return value
        }
        var conf = NetConf(raw: json, cniVersion: version, name: try text("name") ?? "",
                           device: try bounded("device", InputCheck.deviceName),
                           hwaddr: try bounded("hwaddr", InputCheck.mac).flatMap(MACAddress.init),
                           kernelpath: try bounded("kernelpath") {
                               InputCheck.text($0, limit: 4095) ?? ($0.hasPrefix("/") ? nil : "is not an absolute path")
                           },
                           pciBusID: try bounded("pciBusID", InputCheck.deviceID), runtimeDeviceID: nil, ipamType: nil,
                           strategy: nil, prevResult: try object("prevResult"), validAttachments: [])
        if let runtime = try object("runtimeConfig") { conf.runtimeDeviceID = try bounded("deviceID", in: runtime, InputCheck.deviceID) }
        if let ipam = json["ipam"], ipam != .null {
            guard ipam.isObject, let type = ipam["type"]?.string, !type.isEmpty else {
                throw CNIError(.invalidConfig, "ipam must be an object with a \"type\"")
            }
            if let problem = InputCheck.text(type, limit: 255) ?? (type.contains("/") || type == "." || type == ".."
                                                                    ? "is not a plugin name" : nil) {
                throw CNIError(.invalidConfig, "ipam type \(InputCheck.shown(type)) \(problem)")
            }
            conf.ipamType = type
        }
        if let name = try text("strategy") {
            guard let strategy = Strategy(rawValue: name) else {
                throw CNIError(.invalidConfig, "unknown strategy \(InputCheck.shown(name))",
                               details: "one of " + Strategy.allCases.map(\.rawValue).joined(separator: ", "))
            }
            conf.strategy = strategy
        }
        conf.validAttachments = try validAttachments(json["cni.dev/valid-attachments"])
        if [.add, .check, .del, .gc].contains(command), let problem = InputCheck.cniName(conf.name, limit: 255) {
            throw CNIError(.invalidConfig, "network name \(InputCheck.shown(conf.name)) \(problem)")
        }
        if (command == .add || command == .check || command == .del) && !conf.hasSelector {
            throw CNIError(.invalidConfig, "specify one of \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\"")
        }
        if command == .check {
            guard versionAtLeast(version, "0.4.0") else {
                throw CNIError(.incompatibleVersion, "CHECK needs cniVersion 0.4.0 or later", details: "config is \"\(version)\"")
            }
            guard conf.prevResult?.isObject == true else { throw CNIError(.invalidConfig, "CHECK needs a prevResult") }
        }
        if (command == .status || command == .gc) && !versionAtLeast(version, "1.1.0") {
            throw CNIError(.incompatibleVersion, "\(command.rawValue) needs cniVersion 1.1.0 or later",
                           details: "config is \"\(version)\"")
        }
        return conf
    }

    /// GC's list of attachments to keep. Absent or null means none (what a runtime sends when it keeps
    /// nothing); anything malformed is refused, since a dropped entry would have its device taken back.
    static func validAttachments(_ value: JSON?) throws(CNIError) -> [(containerID: String, ifname: String)] {
        guard let value, value != .null else { return [] }
        guard let items = value.array else { throw CNIError(.decodeFailure, "cni.dev/valid-attachments must be an array") }
        var result: [(containerID: String, ifname: String)] = []
        for item in items {
            guard let id = item["containerID"]?.string, let ifname = item["ifname"]?.string else {
                throw CNIError(.decodeFailure, "each of cni.dev/valid-attachments needs a containerID and an ifname (strings)",
                               details: InputCheck.shown(item.text))
            }
            result.append((id, ifname))
        }
        return result
    }
}
