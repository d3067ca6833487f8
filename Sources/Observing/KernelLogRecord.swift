import Probe

/// One line of the kernel log as a snapshot's "kmsg" item holds it ("<4>[    1.234567] text"), and what the
/// footprint makes of it.
struct KernelLogRecord: Equatable {
    /// The syslog level: 0 (emergency) … 7 (debug); a line without a prefix counts as info (6).
    var level: Int
    var text: String

    init(_ item: String) {
        if let parsed = Self.parse(item) { self = parsed } else { level = 6; text = item }
    }

    init(level: Int, text: String) {
        self.level = level
        self.text = text
    }

    private static func parse(_ item: String) -> KernelLogRecord? {
        var rest = Substring(item)
        guard rest.popFirst() == "<" else { return nil }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let priority = Int(digits.prefix(18)) else { return nil }
        rest = rest[digits.endIndex...]
        guard rest.popFirst() == ">", rest.popFirst() == "[", let close = rest.firstIndex(of: "]") else { return nil }
        rest = rest[rest.index(after: close)...]
        if rest.first == " " { rest = rest.dropFirst() }
        return KernelLogRecord(level: priority % 8, text: String(rest))
    }

    /// The notice a kernel prints when the probe renames its link: the one line naming a probe link that a
    /// default run may leave (info level or quieter).
    var isRenameNotice: Bool {
        let notice = "\(ProbeNames.final): renamed from \(ProbeNames.original)"
        return level >= 5 && (text == notice || text == notice + " (while UP)")
    }

    /// The warning the kernel prints when it commits part of a failed link change: the experiment that asks
    /// for it (run only with --all or --experiment) is meant to provoke it.
    var isAskedWarning: Bool { text.hasPrefix("A link change request failed with some changes committed already.") }

    /// What an emulated machine on a loaded host makes the kernel say once (pr_warn_once), whoever runs:
    /// recorded, not held against the probe.
    var isEmulationNoise: Bool {
        if text.hasPrefix("clocksource: ") || text == "sched: RT throttling activated" { return true }
        guard text.hasPrefix("hrtimer: interrupt took "), text.hasSuffix(" ns") else { return false }
        let number = text.dropFirst("hrtimer: interrupt took ".count).dropLast(" ns".count)
        return !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Whether the text names one of the probe's links (ProbeNames.isProbeLink) as a whole word, a word being
    /// letters, digits, "_" and "-".
    var namesAProbeLink: Bool {
        func isWordByte(_ b: UInt8) -> Bool {
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F || b == 0x2D
        }
        return text.utf8.split(whereSeparator: { !isWordByte($0) }).contains { word in
            ProbeNames.isProbeLink(String(decoding: word, as: UTF8.self))
        }
    }
}
