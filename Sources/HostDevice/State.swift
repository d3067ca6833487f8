import Capabilities
import Glibc
import JSONText
import Netlink
import Policy
import SystemCalls
import SystemPackage

/// One attachment's record: written before the device moves, removed when it is back. Format (JSON, one
/// file per attachment, `<network>_<containerID>_<ifname>.json` under LINKCAPS_STATE_DIR or
/// /var/lib/cni/linkcaps) is documented in docs/plugin.md.
struct Attachment: Equatable {
    /// `adding` from before the device moves until it is in place with its addresses, then `added`.
    enum Phase: String, CaseIterable { case adding, added }
    /// What the attachment holds: a net device moved into the pod, or a PCI function a userspace driver owns
    /// (DPDK mode: nothing moved, the record says who has it).
    enum Mode: String, CaseIterable { case netdev, dpdk }

    var network: String
    var containerID: String
    var ifname: String
    var netns: String?
    var phase: Phase
    var strategy: Strategy?
    /// The net device's index and what it was; nil in DPDK mode (no net device).
    var index: Int32?
    var original: OriginalState?
    /// The sysfs directory of the device the net device hangs from (…/0000:00:05.0/virtio1), as the
    /// kernelpath selector names it; nil for virtual links. What lets a second ADD that selects the device
    /// by PCI address, deviceID or kernelpath, while it is in a pod, learn where it went.
    var kernelpath: String?
    var result: JSON?
    /// DPDK mode's PCI function; nil for a net device.
    var function: UserspaceFunction?

    var mode: Mode { function == nil ? .netdev : .dpdk }
    /// The boot the record was written in (/proc/sys/kernel/random/boot_id); nil in records written
    /// before it was kept. A reboot voids every attachment (the kernel gives the devices back), so a record
    /// of another boot describes no device where it says.
    var bootId: String?
    /// Where the container's namespace is bind-mounted from ADD until DEL (`<attachment>.podns` in the
    /// state directory), written before the mount is made: a runtime may let the namespace die before
    /// DEL (ctr, cri-o), and a dying namespace hands a physical device to the host under its pod name
    /// (and destroys a virtual one). nil in records written before pins were made.
    var netnsPin: String?

    /// Bound of a record's altname list. The kernel sets no count, but sizes each altname at 132 bytes
    /// inside IFLA_PROP_LIST, whose length is 16 bits: no link it can describe has 512. A NIC has a few.
    static let altNamesLimit = 512

    var json: JSON {
        var device: JSON = .object([])
        if let function {
            device = .object(["pciID": .string(function.pciID), "driver": .string(function.driver),
                              "kernelpath": .string(function.kernelpath)])
        } else if let original, let index {
            device = .object(["name": .string(original.name), "ifindex": .number(String(index)),
                              "up": .bool(original.up), "mtu": .number(String(original.mtu)),
                              "mac": original.mac.map { .string($0.description) } ?? .null, "alias": original.alias.map(JSON.string) ?? .null,
                              "altNames": .array(original.altNames.map(JSON.string)),
                              "kernelpath": kernelpath.map(JSON.string) ?? .null,
                              "managedBy": original.managedBy.map { .string($0.rawValue) } ?? .null])
        }
        return .object(["version": .number("1"), "network": .string(network), "containerID": .string(containerID),
                        "ifname": .string(ifname), "netns": netns.map(JSON.string), "phase": .string(phase.rawValue),
                        "mode": .string(mode.rawValue), "strategy": strategy.map { .string($0.rawValue) }, "device": device,
                        "result": result, "bootId": bootId.map(JSON.string), "netnsPin": netnsPin.map(JSON.string)])
    }

    init(network: String, containerID: String, ifname: String, netns: String?, phase: Phase, strategy: Strategy?,
         index: Int32, original: OriginalState, kernelpath: String? = nil, result: JSON?, bootId: String? = nil, netnsPin: String? = nil) {
        self.netnsPin = netnsPin
        self.network = network; self.containerID = containerID; self.ifname = ifname; self.netns = netns
        self.phase = phase; self.strategy = strategy; self.index = index; self.original = original
        self.kernelpath = kernelpath; self.result = result; self.bootId = bootId
    }

    /// A DPDK-mode attachment: the PCI function, no net device, no strategy.
    init(network: String, containerID: String, ifname: String, netns: String?, phase: Phase, function: UserspaceFunction,
         result: JSON?, bootId: String? = nil) {
        self.network = network; self.containerID = containerID; self.ifname = ifname; self.netns = netns
        self.phase = phase; self.function = function; self.kernelpath = function.kernelpath; self.result = result
        self.bootId = bootId
    }

    /// What the alias record's `for=` says of a device this attachment put in place.
    var owner: String { AttachmentIdentity.token(network: network, containerID: containerID, ifname: ifname) }

    /// Written in an earlier boot: its namespace path and ifindex may name someone else's now.
    var isFromEarlierBoot: Bool { bootId.map { $0 != AttachmentIdentity.currentBoot } ?? false }

    /// A record read back: every field checked, numbers range-checked before they become fixed-width
    /// integers, names and text bounded as they will be sent to the kernel. The reason names the field.
    init(_ json: JSON) throws(StateError) {
        guard json.isObject else { throw StateError("not a JSON object") }
        guard json["version"] == .number("1") else { throw StateError("version is not 1") }
        func string(_ key: String, in object: JSON? = nil, optional: Bool = false) throws(StateError) -> String? {
            let value = (object ?? json)[key]
            if optional, value == nil || value == .null { return nil }
            guard let text = value?.string else { throw StateError("\(key) must be a string") }
            return text
        }
        func integer<T: FixedWidthInteger>(_ key: String, in object: JSON, _ range: ClosedRange<T>) throws(StateError) -> T {
            guard case .number(let text)? = object[key], let value = T(text), range.contains(value) else {
                throw StateError("\(key) must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func check(_ key: String, _ value: String?, _ problem: (String) -> String?) throws(StateError) {
            if let value, let problem = problem(value) { throw StateError("\(key) \(InputCheck.shown(value)) \(problem)") }
        }
        guard let device = json["device"], device.isObject else { throw StateError("device must be an object") }
        let network = try string("network")!, containerID = try string("containerID")!, ifname = try string("ifname")!
        let netns = try string("netns", optional: true), phaseText = try string("phase")!
        let strategyText = try string("strategy", optional: true)
        try check("network", network) { InputCheck.cniName($0, limit: 255) }
        try check("containerID", containerID) { InputCheck.cniName($0, limit: 255) }
        try check("ifname", ifname, InputCheck.linkName)
        try check("netns", netns) { InputCheck.text($0, limit: 4095) }
        let bootId = try string("bootId", optional: true)
        try check("bootId", bootId) { InputCheck.text($0, limit: 64) }
        let netnsPin = try string("netnsPin", optional: true)
        try check("netnsPin", netnsPin) { InputCheck.text($0, limit: 4095) ?? ($0.hasPrefix("/") ? nil : "is not an absolute path") }
        guard let phase = Phase(rawValue: phaseText) else {
            throw StateError("phase must be one of \(Phase.allCases.map(\.rawValue))")
        }
        // Absent in records written before DPDK mode: a net device.
        let modeText = try string("mode", optional: true) ?? Mode.netdev.rawValue
        guard let mode = Mode(rawValue: modeText) else { throw StateError("mode must be one of \(Mode.allCases.map(\.rawValue))") }
        if mode == .dpdk {
            guard netnsPin == nil else { throw StateError("netnsPin must be null in a dpdk record: nothing moved, nothing pinned") }
            let function = try Self.function(device, strategy: strategyText)
            if let result = json["result"], result != .null, !result.isObject { throw StateError("result must be an object") }
            self.init(network: network, containerID: containerID, ifname: ifname, netns: netns, phase: phase,
                      function: function, result: json["result"].flatMap { $0 == .null ? nil : $0 }, bootId: bootId)
            return
        }
        let name = try string("name", in: device)!, mac = try string("mac", in: device, optional: true)
        let alias = try string("alias", in: device, optional: true)
        let kernelpath = try string("kernelpath", in: device, optional: true)
        // Absent in records written before the host's managers were asked: none.
        var managedBy: HostNetworkManager?
        if let text = try string("managedBy", in: device, optional: true) {
            guard let manager = HostNetworkManager(rawValue: text) else {
                throw StateError("device.managedBy must be one of \(HostNetworkManager.allCases.map(\.rawValue)) or null")
            }
            managedBy = manager
        }
        // Absent in records written before altnames were kept: none.
        var altNames: [String] = []
        if let list = device["altNames"], list != .null {
            guard let items = list.array else { throw StateError("device.altNames must be an array of strings") }
            guard items.count <= Self.altNamesLimit else { throw StateError("device.altNames holds more than \(Self.altNamesLimit) names") }
            for item in items {
                guard let altName = item.string else { throw StateError("device.altNames must be an array of strings") }
                try check("device.altNames[\(altNames.count)]", altName) { $0.isEmpty ? "is empty" : InputCheck.text($0, limit: LinkLimit.altName) }
                altNames.append(altName)
            }
        }
        var strategy: Strategy?
        if let strategyText {
            guard let known = Strategy(rawValue: strategyText) else {
                throw StateError("unknown strategy \(InputCheck.shown(strategyText))")
            }
            strategy = known
        }
        try check("device.name", name, InputCheck.linkName)
        try check("device.mac", mac, InputCheck.mac)
        try check("device.alias", alias) { InputCheck.text($0, limit: LinkLimit.alias) }
        try check("device.kernelpath", kernelpath) { InputCheck.text($0, limit: 4095) ?? ($0.hasPrefix("/") ? nil : "is not an absolute path") }
        guard case .bool(let up)? = device["up"] else { throw StateError("device.up must be true or false") }
        let index: Int32 = try integer("ifindex", in: device, 1...Int32.max)
        let mtu: UInt32 = try integer("mtu", in: device, 0...UInt32.max)
        if let result = json["result"], result != .null, !result.isObject { throw StateError("result must be an object") }
        self.init(network: network, containerID: containerID, ifname: ifname, netns: netns, phase: phase,
                  strategy: strategy, index: index,
                  original: OriginalState(name: name, up: up, mtu: mtu, mac: mac.flatMap(MACAddress.init), alias: alias,
                                          altNames: altNames, managedBy: managedBy),
                  kernelpath: kernelpath, result: json["result"].flatMap { $0 == .null ? nil : $0 }, bootId: bootId,
                  netnsPin: netnsPin)
    }

    /// A DPDK record's device: the function's PCI id, the userspace driver it had, its sysfs directory; a
    /// net device's fields or a strategy do not belong in it.
    static func function(_ device: JSON, strategy: String?) throws(StateError) -> UserspaceFunction {
        guard strategy == nil else { throw StateError("strategy must be null in a dpdk record") }
        for key in ["name", "ifindex", "altNames"] where device[key] != nil {
            throw StateError("device.\(key) does not belong in a dpdk record")
        }
        func text(_ key: String, _ problem: (String) -> String?) throws(StateError) -> String {
            guard let value = device[key]?.string else { throw StateError("device.\(key) must be a string") }
            if let problem = value.isEmpty ? "is empty" : problem(value) {
                throw StateError("device.\(key) \(InputCheck.shown(value)) \(problem)")
            }
            return value
        }
        let pciID = try text("pciID", InputCheck.deviceID)
        let driver = try text("driver") { UserspaceDriver.names.contains($0) ? nil : "is not a userspace driver" }
        let kernelpath = try text("kernelpath") { InputCheck.text($0, limit: 4095) ?? ($0.hasPrefix("/") ? nil : "is not an absolute path") }
        return UserspaceFunction(pciID: pciID, driver: driver, kernelpath: kernelpath)
    }
}

/// Why a state file cannot be used.
struct StateError: Error, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}

/// The state directory: attachment files and the lock that serialises plugin runs on this host.
final class StateStore {
    /// A record is a few hundred bytes; anything far larger was not written by us.
    static let fileSizeLimit = 1 << 20

    let directory: String
    private var lockFD: Int32 = -1

    init(environment: [String: String]) {
        directory = CNIEnvironment.variable("LINKCAPS_STATE_DIR", in: environment) ?? "/var/lib/cni/linkcaps"
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    /// Takes the host-wide lock: device moves are serialised by the kernel anyway, and one lock makes two
    /// ADDs for one device see each other's records. The wait polls, so that SIGTERM, SIGINT or SIGHUP
    /// (blocked in the plugin) still end it: code 11, try again later.
    func lock() throws(CNIError) {
        try makeDirectory()
        do {
            lockFD = try FileDescriptor.open(directory + "/lock", .readWrite, options: .create,
                                             permissions: FilePermissions(rawValue: 0o600)).rawValue
        } catch { throw CNIError(.ioFailure, "cannot open \(directory)/lock: \(error.nameAndMessage)") }
        var pause: UInt32 = 200
        while true {
            do { _ = try retryingOnInterrupt { flock(lockFD, LOCK_EX | LOCK_NB) }; break } catch {
                guard error == .wouldBlock else { throw CNIError(.tryAgainLater, "cannot lock \(directory)/lock: \(error.nameAndMessage)") }
            }
            if let signal = Interruption.poll() {
                throw CNIError(.tryAgainLater, "interrupted by \(signalName(signal)) while waiting for \(directory)/lock")
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    func makeDirectory() throws(CNIError) {
        var path = ""
        for part in directory.split(separator: "/") {
            path += "/" + part
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw CNIError(.ioFailure, "cannot create \(path): \(Errno.current.nameAndMessage)")
            }
        }
    }

    static func fileName(network: String, containerID: String, ifname: String) -> String {
        "\(safe(network))_\(safe(containerID))_\(safe(ifname)).json"
    }

    /// A name part with anything but letters, digits, "-" and "." replaced by "-".
    static func safe(_ part: String) -> String {
        String(part.map { $0.isLetter || $0.isNumber || "-.".contains($0) ? $0 : "-" })
    }

    /// The longest file name the state directory may need (NAME_MAX, less room for ".tmp").
    static let fileNameLimit = 251

    /// Refuses an attachment whose record could not be named (network name and container id too long).
    static func checkName(network: String, containerID: String, ifname: String) throws(CNIError) {
        let length = fileName(network: network, containerID: containerID, ifname: ifname).utf8.count
        guard length <= fileNameLimit else {
            throw CNIError(.invalidConfig, "the network name and CNI_CONTAINERID are too long together",
                           details: "the state file name would be \(length) bytes, at most \(fileNameLimit)")
        }
    }

    func path(_ a: (network: String, containerID: String, ifname: String)) -> String {
        directory + "/" + Self.fileName(network: a.network, containerID: a.containerID, ifname: a.ifname)
    }

    /// The attachment's record; nil when there is none; a CNI error (6) naming the file and the field when
    /// the file cannot be read or holds something we would not have written.
    func load(network: String, containerID: String, ifname: String) throws(CNIError) -> Attachment? {
        let path = path((network, containerID, ifname))
        switch read(path) {
        case nil: return nil
        case .success(let attachment)?: return attachment
        case .failure(let error)?: throw error
        }
    }

    func read(_ path: String) -> Result<Attachment, CNIError>? {
        let file: FileDescriptor
        do { file = try FileDescriptor.open(path, .readOnly, options: .noFollow) } catch {
            if error == .noSuchFileOrDirectory { return nil }
            return .failure(CNIError(.ioFailure, "cannot read the state file \(path): \(error.nameAndMessage)"))
        }
        defer { file.closeQuietly() }
        let bytes: [UInt8]
        do { bytes = try file.readToEnd(limit: Self.fileSizeLimit) } catch {
            return .failure(error == .fileTooLarge
                ? CNIError(.decodeFailure, "the state file \(path) is larger than \(Self.fileSizeLimit) bytes")
                : CNIError(.ioFailure, "cannot read the state file \(path): \(error.nameAndMessage)"))
        }
        do {
            return .success(try Attachment(try JSON.parse(bytes)))
        } catch {
            return .failure(CNIError(.decodeFailure, "the state file \(path) is malformed: \(error)",
                                     details: "fix or remove it; the device's alias record still says what it was"))
        }
    }

    /// Written to a temporary file and renamed: a kill leaves the old record or the new one. No fsync (it
    /// cost ~3 ms per ADD): a record matters only while namespaces live, and a power loss ends them all;
    /// the alias record on the device covers the rest.
    func save(_ a: Attachment) throws(CNIError) {
        try makeDirectory()
        let target = path((a.network, a.containerID, a.ifname))
        let temporary = target + ".tmp"
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(temporary, .writeOnly, options: [.create, .truncate, .noFollow],
                                           permissions: FilePermissions(rawValue: 0o600))
        } catch { throw CNIError(.ioFailure, "cannot write \(temporary): \(error.nameAndMessage)") }
        var failure: String?
        do { try file.write(all: a.json.text + "\n") } catch { failure = "write: \(error.nameAndMessage)" }
        do { try withErrno { try file.close() } } catch { if failure == nil { failure = "close: \(error.nameAndMessage)" } }
        if failure == nil && rename(temporary, target) != 0 { failure = "rename: \(Errno.current.nameAndMessage)" }
        if let failure {
            unlink(temporary)
            throw CNIError(.ioFailure, "cannot write \(target): \(failure)")
        }
    }

    func remove(_ a: Attachment) { unlink(path((a.network, a.containerID, a.ifname))) }

    /// Where the attachment's scratch namespace is pinned while in use.
    func scratchPin(_ a: (network: String, containerID: String, ifname: String)) -> String {
        String(path(a).dropLast(".json".count)) + ".netns"
    }

    /// Where the attachment's container namespace is pinned from ADD until DEL.
    func podPin(_ a: (network: String, containerID: String, ifname: String)) -> String {
        String(path(a).dropLast(".json".count)) + ".podns"
    }

    /// Every record in the directory, read or refused (a bad file never hides the others). A directory that
    /// cannot be listed is one refusal with the file name "".
    func all() -> [(file: String, attachment: Result<Attachment, CNIError>)] {
        var result: [(String, Result<Attachment, CNIError>)] = []
        let names: [String]
        do { names = try directoryEntries(directory) } catch {
            // No directory yet is no records; a directory that cannot be listed is said, not taken as empty.
            if error == .noSuchFileOrDirectory { return [] }
            return [("", .failure(CNIError(.ioFailure, "cannot list the state directory \(directory): \(error.nameAndMessage)")))]
        }
        for name in names {
            guard name.hasSuffix(".json"), let read = read(directory + "/" + name) else { continue }
            result.append((name, read))
        }
        return result.sorted { $0.0 < $1.0 }
    }
}
