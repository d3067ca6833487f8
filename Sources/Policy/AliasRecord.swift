/// The device's original name and state, written into IFLA_IFALIAS on the way in. The alias survives a
/// dying namespace (a physical device then returns to the initial namespace under its pod name, or devN
/// when that is taken: seen with virtio-net NICs on 5.10 and 6.1, Tests/Guest), so a device returned to the
/// host can be recognised and restored
/// even when the state file is lost. Text: `linkcaps name=eth5 up=1 mtu=1500 mac=aa:bb:cc:dd:ee:ff`.
public enum AliasRecord {
    static let prefix = "linkcaps "

    public static func encode(_ state: OriginalState) -> String {
        var text = prefix + "name=\(state.name) up=\(state.up ? 1 : 0) mtu=\(state.mtu)"
        if let mac = state.mac { text += " mac=\(mac)" }
        return text
    }

    /// The recorded state, or nil for an alias linkcaps did not write. (The device's own earlier alias is
    /// kept only in the state file: the alias has room for one record.)
    public static func decode(_ alias: String?) -> OriginalState? {
        guard let alias, alias.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for pair in alias.dropFirst(prefix.count).split(separator: " ") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        guard let name = fields["name"], !name.isEmpty, let mtu = fields["mtu"].flatMap({ UInt32($0) }) else {
            return nil
        }
        return OriginalState(name: name, up: fields["up"] == "1", mtu: mtu, mac: fields["mac"])
    }
}
