/// What one snapshot of a namespace holds, one item a line: "link <ifindex> <name>", "module <name>",
/// "netns <name>", "mount <mountpoint> <type>", "kmsg <record>" (the kernel log's new lines) and, on this
/// host, "run <path>". The order is kept: a judgement names what changed in the order the snapshot lists it.
public struct Snapshot: Equatable, Sendable {
    public let items: [String]

    /// The items as given (a snapshot file is written sorted already).
    public init<S: Sequence>(lines: S) where S.Element: StringProtocol {
        items = lines.map { String($0) }
    }

    /// Sorted bytewise and unique, as `LC_ALL=C sort -u` leaves a snapshot: what a guest printed is in
    /// the order its tools listed it.
    public init<S: Sequence>(sorting lines: S) where S.Element: StringProtocol {
        items = Set(lines.map { String($0) }).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public init(text: String) { self.init(lines: text.split(separator: "\n")) }

    /// The values of the items of one kind, in order.
    public func values(_ kind: String) -> [String] {
        let prefix = kind + " "
        return items.compactMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil }
    }

    public func has(_ kind: String) -> Bool { items.contains { $0.hasPrefix(kind + " ") } }

    /// The items `keep` says yes to, as a snapshot of their own.
    public func filter(_ keep: (String) -> Bool) -> Snapshot { Snapshot(lines: items.filter(keep)) }
}
