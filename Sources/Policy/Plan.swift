import Capabilities

/// The namespaces a plan speaks of. The scratch one is anonymous and made only for the plan.
public enum NamespaceRole: String, Codable, Sendable, CaseIterable { case host, container, scratch }

/// One request on the device (selected by ifindex), sent in the namespace the device is in (`runsIn`).
/// Each kind of request is its own type: a link change cannot carry altnames, an altname step no MTU.
public struct Step: Equatable, Sendable, CustomStringConvertible {
    public var runsIn: NamespaceRole
    public var request: Request
    /// Why this step exists, in plain words.
    public var purpose: String

    public enum Request: Equatable, Sendable {
        /// One RTM_NEWLINK.
        case change(LinkChange)
        /// One RTM_DELLINKPROP per name, before a move, where the kernel would leave them registered
        /// behind (altname.followsMove unsupported).
        case removeAltNames([String])
        /// One RTM_NEWLINKPROP per name, once the device is home again.
        case addAltNames([String])
    }

    public init(in runsIn: NamespaceRole, _ request: Request, purpose: String) {
        self.runsIn = runsIn
        self.request = request
        self.purpose = purpose
    }

    /// An RTM_NEWLINK step.
    public init(in runsIn: NamespaceRole, moveTo: NamespaceRole? = nil, name: String? = nil, alias: String? = nil,
                up: Bool? = nil, mtu: UInt32? = nil, mac: MACAddress? = nil, purpose: String) {
        self.init(in: runsIn, .change(LinkChange(moveTo: moveTo, name: name, alias: alias, up: up, mtu: mtu, mac: mac)),
                  purpose: purpose)
    }

    public init(in runsIn: NamespaceRole, removeAltNames names: [String], purpose: String) {
        self.init(in: runsIn, .removeAltNames(names), purpose: purpose)
    }

    public init(in runsIn: NamespaceRole, addAltNames names: [String], purpose: String) {
        self.init(in: runsIn, .addAltNames(names), purpose: purpose)
    }

    /// The RTM_NEWLINK this step sends; nil for an altname step.
    public var change: LinkChange? {
        if case .change(let change) = request { return change }
        return nil
    }

    /// The altnames this step takes off; nil unless it is an RTM_DELLINKPROP step.
    public var altNamesTakenOff: [String]? {
        if case .removeAltNames(let names) = request { return names }
        return nil
    }

    /// The altnames this step gives back; nil unless it is an RTM_NEWLINKPROP step.
    public var altNamesGivenBack: [String]? {
        if case .addAltNames(let names) = request { return names }
        return nil
    }

    /// Where the step moves the device; nil when it stays where it is.
    public var moveTo: NamespaceRole? { change?.moveTo }

    public var isMove: Bool { moveTo != nil }

    /// A step that only takes altnames off or gives them back (no RTM_NEWLINK).
    public var isAltNameStep: Bool { change == nil }

    public var description: String {
        switch request {
        case .removeAltNames(let names):
            return "in \(runsIn.rawValue): RTM_DELLINKPROP " + names.map { "IFLA_ALT_IFNAME=\($0)" }.joined(separator: " ")
        case .addAltNames(let names):
            return "in \(runsIn.rawValue): RTM_NEWLINKPROP " + names.map { "IFLA_ALT_IFNAME=\($0)" }.joined(separator: " ")
        case .change(let change):
            return "in \(runsIn.rawValue): " + change.description
        }
    }
}

/// An RTM_NEWLINK on the device: nil fields are left alone; `alias: ""` clears the alias.
public struct LinkChange: Equatable, Sendable, CustomStringConvertible {
    public var moveTo: NamespaceRole?
    public var name: String?
    public var alias: String?
    public var up: Bool?
    public var mtu: UInt32?
    public var mac: MACAddress?

    public init(moveTo: NamespaceRole? = nil, name: String? = nil, alias: String? = nil, up: Bool? = nil,
                mtu: UInt32? = nil, mac: MACAddress? = nil) {
        self.moveTo = moveTo
        self.name = name
        self.alias = alias
        self.up = up
        self.mtu = mtu
        self.mac = mac
    }

    public var description: String {
        var parts = ["RTM_NEWLINK"]
        if let moveTo { parts.append("IFLA_NET_NS_FD=\(moveTo.rawValue)") }
        if let name { parts.append("IFLA_IFNAME=\(name)") }
        if let alias { parts.append(alias.isEmpty ? "IFLA_IFALIAS=(clear)" : "IFLA_IFALIAS=\"\(alias)\"") }
        if let mtu { parts.append("IFLA_MTU=\(mtu)") }
        if let mac { parts.append("IFLA_ADDRESS=\(mac)") }
        if let up { parts.append(up ? "IFF_UP" : "~IFF_UP") }
        return parts.joined(separator: " ")
    }
}

/// Coded flat, as plans have always been written (schemas/plan.schema.json): a step's fields side by side,
/// absent when not sent. A step that mixes kinds (altnames with a link change, or both lists) is refused.
extension Step: Codable {
    enum Key: String, CodingKey { case runsIn, moveTo, name, alias, up, mtu, mac, removeAltNames, addAltNames, purpose }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let runsIn = try c.decode(NamespaceRole.self, forKey: .runsIn), purpose = try c.decode(String.self, forKey: .purpose)
        let change = LinkChange(moveTo: try c.decodeIfPresent(NamespaceRole.self, forKey: .moveTo),
                                name: try c.decodeIfPresent(String.self, forKey: .name),
                                alias: try c.decodeIfPresent(String.self, forKey: .alias),
                                up: try c.decodeIfPresent(Bool.self, forKey: .up),
                                mtu: try c.decodeIfPresent(UInt32.self, forKey: .mtu),
                                mac: try c.decodeIfPresent(MACAddress.self, forKey: .mac))
        let off = try c.decodeIfPresent([String].self, forKey: .removeAltNames)
        let back = try c.decodeIfPresent([String].self, forKey: .addAltNames)
        switch (off, back) {
        case (nil, nil): self.init(in: runsIn, .change(change), purpose: purpose)
        case (let names?, nil) where change == LinkChange(): self.init(in: runsIn, .removeAltNames(names), purpose: purpose)
        case (nil, let names?) where change == LinkChange(): self.init(in: runsIn, .addAltNames(names), purpose: purpose)
        default:
            throw DecodingError.dataCorruptedError(forKey: off == nil ? .addAltNames : .removeAltNames, in: c, debugDescription:
                "a step is one request: an RTM_NEWLINK, or altnames taken off, or altnames given back")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(runsIn, forKey: .runsIn)
        switch request {
        case .change(let change):
            try c.encodeIfPresent(change.moveTo, forKey: .moveTo)
            try c.encodeIfPresent(change.name, forKey: .name)
            try c.encodeIfPresent(change.alias, forKey: .alias)
            try c.encodeIfPresent(change.up, forKey: .up)
            try c.encodeIfPresent(change.mtu, forKey: .mtu)
            try c.encodeIfPresent(change.mac, forKey: .mac)
        case .removeAltNames(let names): try c.encode(names, forKey: .removeAltNames)
        case .addAltNames(let names): try c.encode(names, forKey: .addAltNames)
        }
        try c.encode(purpose, forKey: .purpose)
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
