import Capabilities

/// Which way a device goes: into a container (ADD) or back out to the host (DEL).
public enum Direction: String, Codable, Sendable { case into = "in", out }

/// What the policy needs to know about a device, as read from the kernel (the caller reads; we don't).
public struct DeviceFacts: Codable, Equatable, Sendable {
    public var name: String
    public var index: Int32
    public var up: Bool
    public var mtu: UInt32
    public var mac: MACAddress?
    public var altNames: [String]
    public var driver: String?
    public var alias: String?
    /// The host's network manager that has the device under management (read in the host only).
    public var managedBy: HostNetworkManager?

    public init(name: String, index: Int32, up: Bool, mtu: UInt32, mac: MACAddress?, altNames: [String] = [],
                driver: String? = nil, alias: String? = nil, managedBy: HostNetworkManager? = nil) {
        self.managedBy = managedBy
        self.name = name
        self.index = index
        self.up = up
        self.mtu = mtu
        self.mac = mac
        self.altNames = altNames
        self.driver = driver
        self.alias = alias
    }
}

/// The names and alternative names a namespace holds (other than the device itself).
public struct NamespaceContents: Codable, Equatable, Sendable {
    public var names: Set<String>
    public var altNames: Set<String>

    public init(names: Set<String> = [], altNames: Set<String> = []) {
        self.names = names
        self.altNames = altNames
    }

    /// Whether a link there answers to `name`, as a name or an altname (the kernel checks both).
    public func holds(_ name: String) -> Bool { names.contains(name) || altNames.contains(name) }
}

/// What the device looked like in the host before it first moved: restored on the way out.
public struct OriginalState: Codable, Equatable, Sendable {
    public var name: String
    public var up: Bool
    public var mtu: UInt32
    public var mac: MACAddress?
    public var alias: String?
    /// Its alternative names: given back at DEL where the kernel does not move them (altname.followsMove).
    public var altNames: [String]
    /// The host's network manager that had the device under management at ADD, if any: it, not DEL,
    /// brings the device up again (HostNetworkManager).
    public var managedBy: HostNetworkManager?

    public init(name: String, up: Bool, mtu: UInt32, mac: MACAddress?, alias: String? = nil, altNames: [String] = [],
                managedBy: HostNetworkManager? = nil) {
        self.managedBy = managedBy
        self.name = name
        self.up = up
        self.mtu = mtu
        self.mac = mac
        self.alias = alias
        self.altNames = altNames
    }

    public init(_ device: DeviceFacts) {
        self.init(name: device.name, up: device.up, mtu: device.mtu, mac: device.mac, alias: device.alias,
                  altNames: device.altNames, managedBy: device.managedBy)
    }

    enum CodingKeys: String, CodingKey { case name, up, mtu, mac, alias, altNames, managedBy }

    /// Records written before altnames were kept have none: they decode with an empty list.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name), up: try container.decode(Bool.self, forKey: .up),
                  mtu: try container.decode(UInt32.self, forKey: .mtu), mac: try container.decodeIfPresent(MACAddress.self, forKey: .mac),
                  alias: try container.decodeIfPresent(String.self, forKey: .alias),
                  altNames: try container.decodeIfPresent([String].self, forKey: .altNames) ?? [],
                  managedBy: try container.decodeIfPresent(HostNetworkManager.self, forKey: .managedBy))
    }
}

/// Everything the policy decides from. `source` is the namespace the device is in now (without it),
/// `target` the one it goes to. For `.out`, `original` says what to restore and `wantedName` is ignored.
public struct PlanRequest: Sendable {
    public var knowledge: KernelKnowledge
    public var device: DeviceFacts
    public var direction: Direction
    public var wantedName: String
    public var source: NamespaceContents
    public var target: NamespaceContents
    public var original: OriginalState?
    public var forced: Strategy?
    /// Inbound: the attachment's identity, written into the alias record (`for=`).
    public var owner: String?
    /// Whether the automatic plan may use a scratch namespace (forced strategies ignore it).
    public var scratch: ScratchNamespaces
    /// Outbound: the host's network managers running now; one that manages the device brings it up.
    public var runningManagers: Set<HostNetworkManager>

    public init(knowledge: KernelKnowledge, device: DeviceFacts, direction: Direction, wantedName: String,
                source: NamespaceContents = NamespaceContents(), target: NamespaceContents,
                original: OriginalState? = nil, forced: Strategy? = nil, owner: String? = nil,
                scratch: ScratchNamespaces = .available, runningManagers: Set<HostNetworkManager> = []) {
        self.runningManagers = runningManagers
        self.knowledge = knowledge
        self.scratch = scratch
        self.owner = owner
        self.device = device
        self.direction = direction
        self.wantedName = wantedName
        self.source = source
        self.target = target
        self.original = original
        self.forced = forced
    }
}

extension PlanRequest {
    /// A request planned from a capability report.
    public init(report: Report, device: DeviceFacts, direction: Direction, wantedName: String,
                source: NamespaceContents = NamespaceContents(), target: NamespaceContents,
                original: OriginalState? = nil, forced: Strategy? = nil) {
        self.init(knowledge: .report(report), device: device, direction: direction, wantedName: wantedName,
                  source: source, target: target, original: original, forced: forced)
    }
}
