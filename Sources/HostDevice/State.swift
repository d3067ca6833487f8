import Glibc
import Netlink
import Policy

/// One attachment's record: written before the device moves, removed when it is back. Format (JSON, one
/// file per attachment, `<network>_<containerID>_<ifname>.json` under LINKCAPS_STATE_DIR or
/// /var/lib/cni/linkcaps) is documented in docs/plugin.md.
struct Attachment {
    var network: String
    var containerID: String
    var ifname: String
    var netns: String?
    var phase: String          // "adding" until the device is in place, then "added"
    var strategy: String?
    var index: Int32
    var original: OriginalState
    var result: JSON?

    var json: JSON {
        var device: JSON = .object(["name": .string(original.name), "ifindex": .number(String(index)),
                                    "up": .bool(original.up), "mtu": .number(String(original.mtu)),
                                    "mac": original.mac.map(JSON.string), "alias": original.alias.map(JSON.string)])
        device.set("alias", original.alias.map(JSON.string) ?? .null)
        return .object(["version": .number("1"), "network": .string(network), "containerID": .string(containerID),
                        "ifname": .string(ifname), "netns": netns.map(JSON.string), "phase": .string(phase),
                        "strategy": strategy.map(JSON.string), "device": device, "result": result])
    }

    init(network: String, containerID: String, ifname: String, netns: String?, phase: String, strategy: String?,
         index: Int32, original: OriginalState, result: JSON?) {
        self.network = network; self.containerID = containerID; self.ifname = ifname; self.netns = netns
        self.phase = phase; self.strategy = strategy; self.index = index; self.original = original; self.result = result
    }

    init?(_ json: JSON) {
        guard let d = json["device"], let name = d["name"]?.string, let mtu = d["mtu"]?.int, let index = d["ifindex"]?.int,
              let containerID = json["containerID"]?.string, let ifname = json["ifname"]?.string else { return nil }
        self.init(network: json["network"]?.string ?? "", containerID: containerID, ifname: ifname,
                  netns: json["netns"]?.string, phase: json["phase"]?.string ?? "adding", strategy: json["strategy"]?.string,
                  index: Int32(index), original: OriginalState(name: name, up: d["up"] == .bool(true), mtu: UInt32(mtu),
                                                            mac: d["mac"]?.string, alias: d["alias"]?.string),
                  result: json["result"])
    }
}

/// The state directory: attachment files and the lock that serialises plugin runs on this host.
final class StateStore {
    let directory: String
    private var lockFD: Int32 = -1

    init(environment: [String: String]) {
        directory = CNIEnvironment.variable("LINKCAPS_STATE_DIR", in: environment) ?? "/var/lib/cni/linkcaps"
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    /// Takes the host-wide lock: device moves are serialised by the kernel anyway, and one lock makes two
    /// ADDs for one device see each other's records.
    func lock() throws(CNIError) {
        try makeDirectory()
        lockFD = retryingWhileInterrupted { open(directory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        guard lockFD >= 0 else { throw CNIError(.ioFailure, "cannot open \(directory)/lock: \(Errno.current)") }
        guard retryingWhileInterrupted({ flock(lockFD, LOCK_EX) }) == 0 else {
            throw CNIError(.tryAgainLater, "cannot lock \(directory)/lock: \(Errno.current)")
        }
    }

    func makeDirectory() throws(CNIError) {
        var path = ""
        for part in directory.split(separator: "/") {
            path += "/" + part
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw CNIError(.ioFailure, "cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    static func fileName(network: String, containerID: String, ifname: String) -> String {
        let safe = { (s: String) in String(s.map { $0.isLetter || $0.isNumber || "-.".contains($0) ? $0 : "-" }) }
        return "\(safe(network))_\(safe(containerID))_\(safe(ifname)).json"
    }

    func path(_ a: (network: String, containerID: String, ifname: String)) -> String {
        directory + "/" + Self.fileName(network: a.network, containerID: a.containerID, ifname: a.ifname)
    }

    func load(network: String, containerID: String, ifname: String) -> Attachment? {
        read(path((network, containerID, ifname)))
    }

    func read(_ path: String) -> Attachment? {
        guard let text = readFile(path), let json = try? JSON.parse(text) else { return nil }
        return Attachment(json)
    }

    /// Written to a temporary file and renamed: a kill leaves the old record or the new one. No fsync (it
    /// cost ~3 ms per ADD): a record matters only while namespaces live, and a power loss ends them all;
    /// the alias record on the device covers the rest.
    func save(_ a: Attachment) throws(CNIError) {
        try makeDirectory()
        let target = path((a.network, a.containerID, a.ifname))
        let temporary = target + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CNIError(.ioFailure, "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array((a.json.text + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, rename(temporary, target) == 0 else {
            unlink(temporary)
            throw CNIError(.ioFailure, "cannot write \(target)")
        }
    }

    func remove(_ a: Attachment) { unlink(path((a.network, a.containerID, a.ifname))) }

    /// Where the attachment's scratch namespace is pinned while in use.
    func scratchPin(_ a: (network: String, containerID: String, ifname: String)) -> String {
        String(path(a).dropLast(".json".count)) + ".netns"
    }

    func all() -> [(path: String, attachment: Attachment)] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var result: [(String, Attachment)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasSuffix(".json"), let a = read(directory + "/" + name) else { continue }
            result.append((directory + "/" + name, a))
        }
        return result
    }
}

func readFile(_ path: String) -> String? {
    readAll(path: path).map { String(decoding: $0, as: UTF8.self) }
}
