/// A guest's serial console as scripts/observe's init printed it: marker-framed sections (the reports,
/// the snapshots, the witness) and "LINKCAPS-<KEY> value" lines, with the kernel's own messages
/// interleaved anywhere.
public struct SerialLog: Sendable {
    /// The lines without carriage returns (the console ends each with CR LF).
    public let lines: [Substring]

    public init(_ text: String) {
        // Every carriage return goes first, as `tr -d '\r'` would: "\r\n" is one Character to Swift, so a
        // line split before would never split there.
        let clean = text.utf8.contains(0x0D) ? String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" })) : text
        lines = clean.split(separator: "\n", omittingEmptySubsequences: false)
    }

    public init(bytes: [UInt8]) { self.init(String(decoding: bytes, as: UTF8.self)) }

    public enum SectionError: Error, Equatable, CustomStringConvertible {
        case noBegin(String), noEnd(String)
        public var description: String {
            switch self {
            case .noBegin(let begin): "no \(begin) marker"
            case .noEnd(let begin): "no end marker after \(begin)"
            }
        }
    }

    /// The lines between `begin` and `end`, the last complete section when the init printed one twice, without
    /// the kernel's messages (a printk timestamp "[   1.234567] " starts them) that the console interleaves.
    public func section(_ begin: String, _ end: String) throws(SectionError) -> [Substring] {
        var inside = false, sawBegin = false, found: [Substring]?
        var current: [Substring] = []
        for line in lines {
            if line == begin {
                inside = true; sawBegin = true; current = []
            } else if line == end && inside {
                inside = false; found = current
            } else if inside && !Self.isKernelMessage(line) {
                current.append(line)
            }
        }
        guard sawBegin else { throw .noBegin(begin) }
        guard let found else { throw .noEnd(begin) }
        return found
    }

    /// The value of the last "LINKCAPS-<key> value" line, nil when there is none.
    public func value(_ key: String) -> String? {
        let prefix = "LINKCAPS-\(key) "
        return lines.last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// A snapshot the init printed (LINKCAPS-SNAPSHOT-BEGIN/END <label>), its items sorted and unique.
    public func snapshot(_ label: String) throws(SectionError) -> Snapshot {
        Snapshot(sorting: try section("LINKCAPS-SNAPSHOT-BEGIN \(label)", "LINKCAPS-SNAPSHOT-END \(label)"))
    }

    /// "[" spaces digits "." digits "] ": a line of the kernel's, not of the init's.
    static func isKernelMessage(_ line: Substring) -> Bool {
        var rest = line.utf8[...]
        guard rest.popFirst() == UInt8(ascii: "[") else { return false }
        while rest.first == UInt8(ascii: " ") { rest.removeFirst() }
        func digits() -> Bool {
            let before = rest.count
            while let byte = rest.first, (0x30...0x39).contains(byte) { rest.removeFirst() }
            return rest.count < before
        }
        guard digits(), rest.popFirst() == UInt8(ascii: "."), digits() else { return false }
        return rest.starts(with: "] ".utf8)
    }
}
