import Capabilities

/// The namespaces a plan speaks of. The scratch one is anonymous and made only for the plan.
public enum NamespaceRole: String, Codable, Sendable, CaseIterable { case host, container, scratch }

/// One request on the device (selected by ifindex), sent in the namespace the device is in: an RTM_NEWLINK,
/// or, for a step that only handles alternative names, one RTM_DELLINKPROP / RTM_NEWLINKPROP per name.
/// nil fields are left alone; `alias: ""` clears the alias.
public struct Step: Codable, Equatable, Sendable, CustomStringConvertible {
    public var runsIn: NamespaceRole
    public var moveTo: NamespaceRole?
    public var name: String?
    public var alias: String?
    public var up: Bool?
    public var mtu: UInt32?
    public var mac: MACAddress?
    /// Alternative names to take off (RTM_DELLINKPROP each), before a move, where the kernel would leave
    /// them registered behind (altname.followsMove unsupported).
    public var removeAltNames: [String]?
    /// Alternative names to give back (RTM_NEWLINKPROP each) once the device is home again.
    public var addAltNames: [String]?
    /// Why this step exists, in plain words.
    public var purpose: String

    public init(in runsIn: NamespaceRole, moveTo: NamespaceRole? = nil, name: String? = nil, alias: String? = nil,
                up: Bool? = nil, mtu: UInt32? = nil, mac: MACAddress? = nil, removeAltNames: [String]? = nil,
                addAltNames: [String]? = nil, purpose: String) {
        self.runsIn = runsIn
        self.moveTo = moveTo
        self.name = name
        self.alias = alias
        self.up = up
        self.mtu = mtu
        self.mac = mac
        self.removeAltNames = removeAltNames
        self.addAltNames = addAltNames
        self.purpose = purpose
    }

    public var isMove: Bool { moveTo != nil }

    /// A step that only takes altnames off or gives them back (no RTM_NEWLINK).
    public var isAltNameStep: Bool { removeAltNames != nil || addAltNames != nil }

    public var description: String {
        if let names = removeAltNames {
            return "in \(runsIn.rawValue): RTM_DELLINKPROP " + names.map { "IFLA_ALT_IFNAME=\($0)" }.joined(separator: " ")
        }
        if let names = addAltNames {
            return "in \(runsIn.rawValue): RTM_NEWLINKPROP " + names.map { "IFLA_ALT_IFNAME=\($0)" }.joined(separator: " ")
        }
        var parts = ["in \(runsIn.rawValue): RTM_NEWLINK"]
        if let moveTo { parts.append("IFLA_NET_NS_FD=\(moveTo.rawValue)") }
        if let name { parts.append("IFLA_IFNAME=\(name)") }
        if let alias { parts.append(alias.isEmpty ? "IFLA_IFALIAS=(clear)" : "IFLA_IFALIAS=\"\(alias)\"") }
        if let mtu { parts.append("IFLA_MTU=\(mtu)") }
        if let mac { parts.append("IFLA_ADDRESS=\(mac)") }
        if let up { parts.append(up ? "IFF_UP" : "~IFF_UP") }
        return parts.joined(separator: " ")
    }
}

/// The names one namespace will see the device under, in order.
public struct NamespaceView: Codable, Equatable, Sendable {
    public var namespace: NamespaceRole
    public var names: [String]
}

/// What to do, why, and what everyone will see. Pure data: executing it is someone else's job.
public struct Plan: Codable, Equatable, Sendable {
    public var strategy: Strategy
    public var direction: Direction
    public var forced: Bool
    public var steps: [Step]
    public var views: [NamespaceView]
    public var reasons: [String]
    public var hazards: [String]
    /// What the executor does when the kernel says EEXIST after the device moved (single request only).
    public var recovery: String?
    /// The device's name in the host, the only one the host may see.
    public var hostName: String
    /// `.unknown` when the plan was made without a capability report (`knowledgeReason` says why); absent
    /// when it was made from one.
    public var knowledge: PlanKnowledge? = nil
    public var knowledgeReason: String? = nil

    public func names(seenBy role: NamespaceRole) -> [String] {
        views.first { $0.namespace == role }?.names ?? []
    }

    /// The invariant: the host namespace never sees a name other than the device's original name.
    public var keepsHostInvariant: Bool { names(seenBy: .host).allSatisfy { $0 == hostName } }

    public var usesScratch: Bool { steps.contains { $0.runsIn == .scratch || $0.moveTo == .scratch } }
}

/// How much the plan knew of the kernel: written only when it knew nothing.
public enum PlanKnowledge: String, Codable, Sendable { case unknown }

/// Why no plan can be made: each case is a clash the kernel would refuse, or refuse half-way.
public enum PlanError: Error, Equatable, CustomStringConvertible, Sendable {
    case nameTaken(String, in: NamespaceRole)
    case altNameTaken(String, in: NamespaceRole)
    case notForThisDirection(Strategy, Direction)
    case originalStateMissing
    /// No scratch namespace can be made (`reason`), and no plan without one keeps the host clean (`why`).
    case noPlanWithoutScratch(String, why: String)

    public var description: String {
        switch self {
        case .nameTaken(let name, let role): return "the name \(name) is already used in the \(role.rawValue) namespace"
        case .altNameTaken(let name, let role):
            return "the device's alternative name \(name) is already used in the \(role.rawValue) namespace"
        case .notForThisDirection(let strategy, let direction):
            return "strategy \(strategy.rawValue) cannot move a device \(direction == .into ? "into a container" : "out to the host")"
        case .originalStateMissing: return "the device's original name and state are unknown"
        case .noPlanWithoutScratch(let reason, let why):
            return "\(reason), and no plan without one keeps the host's view clean: \(why)"
        }
    }
}
