import Capabilities

/// The device's original name and state, written into IFLA_IFALIAS on the way in. The alias survives a
/// dying namespace (a physical device then returns to the initial namespace under its pod name, or devN
/// when that is taken: seen with virtio-net NICs on 5.10 and 6.1, Tests/Guest), so a device returned to the
/// host can be recognised and restored
/// even when the state file is lost. Text: `linkcaps name=eth5 up=1 mtu=1500 mac=aa:bb:cc:dd:ee:ff for=<16 hex> by=NetworkManager`.
/// `by` names the host's network manager that had the device (OriginalState.managedBy); absent when none.
/// `for` names the attachment that put the device where it is (a hash of network, container id and
/// ifname: HostDevice's `AttachmentIdentity`): a DEL or CHECK of another attachment, handed a namespace
/// path the kernel reused, leaves the device alone. Records written before it existed have no `for`.
public enum AliasRecord {
    static let prefix = "linkcaps "

    public static func encode(_ state: OriginalState, owner: String? = nil) -> String {
        var text = prefix + "name=\(state.name) up=\(state.up ? 1 : 0) mtu=\(state.mtu)"
        if let mac = state.mac { text += " mac=\(mac)" }
        if let owner { text += " for=\(owner)" }
        if let manager = state.managedBy { text += " by=\(manager.rawValue)" }
        return text
    }

    /// The recorded state, or nil for an alias linkcaps did not write. (The device's own earlier alias is
    /// kept only in the state file: the alias has room for one record.)
    public static func decode(_ alias: String?) -> OriginalState? {
        guard let fields = fields(alias), let name = fields["name"], !name.isEmpty,
              let mtu = fields["mtu"].flatMap({ UInt32($0) }) else {
            return nil
        }
        return OriginalState(name: name, up: fields["up"] == "1", mtu: mtu, mac: fields["mac"].flatMap(MACAddress.init),
                             managedBy: fields["by"].flatMap(HostNetworkManager.init(rawValue:)))
    }

    /// The `mac=` of a record that is not a MAC address (hand-edited, or cut short by a driver's alias
    /// limit): `decode` leaves the MAC out, and whoever restores the device says this value instead.
    public static func malformedMAC(_ alias: String?) -> String? {
        guard decode(alias) != nil, let mac = fields(alias)?["mac"], MACAddress(mac) == nil else { return nil }
        return mac
    }

    /// The attachment the record names (`for=`); nil for an alias we did not write or an older record.
    public static func owner(_ alias: String?) -> String? {
        guard decode(alias) != nil, let owner = fields(alias)?["for"], !owner.isEmpty else { return nil }
        return owner
    }

    /// Whether the alias names an attachment other than `owner`. An alias without `for` (none of ours, or
    /// written by an older release) names none.
    public static func belongsToAnother(_ alias: String?, than owner: String) -> Bool {
        Self.owner(alias).map { $0 != owner } ?? false
    }

    static func fields(_ alias: String?) -> [String: String]? {
        guard let alias, alias.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for pair in alias.dropFirst(prefix.count).split(separator: " ") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return fields
    }
}
