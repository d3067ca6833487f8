import Policy

/// The network configuration on stdin, as host-device users know it, plus linkcaps' `strategy`.
public struct NetConf: Sendable {
    public static let supportedVersions = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]
    public static let latest = "1.1.0"

    public var raw: JSON
    public var cniVersion: String
    public var name: String
    public var device: String?
    public var hwaddr: String?
    public var kernelpath: String?
    public var pciBusID: String?
    public var runtimeDeviceID: String?
    public var ipamType: String?
    public var strategy: Strategy?
    public var prevResult: JSON?
    public var validAttachments: [(containerID: String, ifname: String)]

    public var hasSelector: Bool { [device, hwaddr, kernelpath, pciBusID, runtimeDeviceID].contains { $0 != nil } }

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
                           details: "config is \"\(version)\", plugin supports \(supportedVersions.joined(separator: ", "))")
        }
        func text(_ key: String, in object: JSON? = nil) throws(CNIError) -> String? {
            guard let value = (object ?? json)[key], value != .null else { return nil }
            guard let s = value.string else { throw CNIError(.decodeFailure, "\(key) must be a string") }
            return s.isEmpty ? nil : s
        }
        var conf = NetConf(raw: json, cniVersion: version, name: try text("name") ?? "",
                           device: try text("device"), hwaddr: try text("hwaddr"), kernelpath: try text("kernelpath"),
                           pciBusID: try text("pciBusID"), runtimeDeviceID: nil, ipamType: nil, strategy: nil,
                           prevResult: json["prevResult"], validAttachments: [])
        if let runtime = json["runtimeConfig"], runtime.isObject { conf.runtimeDeviceID = try text("deviceID", in: runtime) }
        if let ipam = json["ipam"], ipam != .null {
            guard ipam.isObject, let type = ipam["type"]?.string, !type.isEmpty else {
                throw CNIError(.invalidConfig, "ipam must be an object with a \"type\"")
            }
            guard !type.contains("/") else { throw CNIError(.invalidConfig, "ipam type \"\(type)\" contains a /") }
            conf.ipamType = type
        }
        if let name = try text("strategy") {
            guard let strategy = Strategy(rawValue: name) else {
                throw CNIError(.invalidConfig, "unknown strategy \"\(name)\"",
                               details: "one of " + Strategy.allCases.map(\.rawValue).joined(separator: ", "))
            }
            conf.strategy = strategy
        }
        for item in json["cni.dev/valid-attachments"]?.array ?? [] {
            if let id = item["containerID"]?.string, let ifname = item["ifname"]?.string {
                conf.validAttachments.append((id, ifname))
            }
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
}
