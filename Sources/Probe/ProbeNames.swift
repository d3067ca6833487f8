/// The names the experiments give links inside their scratch namespaces. Public for the observations'
/// footprint (Observing): a link of one of these names in the initial namespace, or a kernel line naming one,
/// is the probe's doing, and a name changed here must change what the footprint looks for.
public enum ProbeNames {
    public static let original = "lcp0"
    public static let final = "lcf0"
    public static let bystander = "lcq0"
    public static let altName = "lc-probe-altname0"
    /// LinkKindChoice's trial links, one per candidate kind: lck0, lck1, …
    static let kindTrialPrefix = "lck"
    static let newIfindex: Int32 = 4242
    /// Sent with the move by move.mtuMacInSameRequest: differ from every kind's default (1500, random MAC).
    static let mtu: UInt32 = 1400
    static let mac: [UInt8] = [0x02, 0x6c, 0x63, 0x70, 0x00, 0x01]  // locally administered, unicast

    static func kindTrial(_ offset: Int) -> String { kindTrialPrefix + String(offset) }

    /// A veth's peer is named after it.
    static func peer(of name: String) -> String { name + "p" }

    /// Whether a probe run gives this name to a link or an altname: the names above, a kind trial, or the
    /// peer of one.
    public static func isProbeLink(_ name: some StringProtocol) -> Bool {
        if name == altName { return true }
        let base = name.hasSuffix("p") ? name.dropLast() : name[...]
        if base == original || base == final || base == bystander { return true }
        guard base.hasPrefix(kindTrialPrefix) else { return false }
        let number = base.dropFirst(kindTrialPrefix.count)
        return !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
