import JSONText
import Probe

/// The footprint of a guest's two probe runs (scripts/observe): the default run (`linkcaps probe --json
/// --no-cache`, between the snapshots "base" and "plain") and the --load-modules run (between "plain" and
/// "loaded"), from the serial log and the --load-modules run's report.
public enum GuestFootprint {
    /// The guest's first command, as the init runs it (the second one's is in the log).
    public static let plainCommand = "linkcaps probe --json --no-cache"

    public static func judge(_ log: SerialLog, report: JSON) throws(SerialLog.SectionError) -> Footprint {
        let base = try log.snapshot("base"), plain = try log.snapshot("plain"), loaded = try log.snapshot("loaded")
        // The default run's report, when the init printed one that reads as an object.
        let plainReport = (try? log.section("LINKCAPS-PLAIN-BEGIN", "LINKCAPS-PLAIN-END"))
            .flatMap { try? JSON.parse($0.joined(separator: "\n")) }.flatMap { $0.isObject ? $0 : nil }
        let plainProbe = plainReport?["probe"].flatMap { probe -> JSON? in
            guard probe != .null else { return nil }
            return .object(["linkKind", "linkKindNotes", "modulesLoaded"].map { ($0, probe[$0] ?? .null) })
        }
        // A default probe may let the kernel load veth (its module creates no device) when it had no kind.
        let plainAllowed = modulesLoaded(plainReport).filter { $0 == "veth" }
        var first = FootprintRun(before: base, after: plain, command: plainCommand,
                                 exitStatus: log.value("PLAIN-EXIT-STATUS") ?? "", allowedModules: plainAllowed,
                                 probe: plainProbe)
        first.stderr = log.value("PLAIN-STDERR")
        let second = FootprintRun(before: plain, after: loaded, command: log.value("COMMAND") ?? "",
                                  exitStatus: log.value("EXIT-STATUS") ?? "", allowedModules: modulesLoaded(report))
        return Footprint(runs: [first, second])
    }

    /// A report's probe.modulesLoaded, the strings of it.
    static func modulesLoaded(_ report: JSON?) -> [String] {
        report?["probe"]?["modulesLoaded"]?.array?.compactMap(\.string) ?? []
    }
}

/// This host's footprint (scripts/observe --host). The machine is shared: other work adds and removes
/// links, namespaces and files meanwhile. Only what the probe or the witness can make is judged: the probe's
/// links (ProbeNames), the witness's lcr0 and lcwk0 (a veth's peer adds "p"), the witness's named namespaces
/// (lcw…) with their mounts and files, the probe's cache directory, and modules (a link kind the kernel
/// lacks makes it load one). The other changes are counted per kind.
public enum HostFootprint {
    public static func judge(before: Snapshot, after: Snapshot, command: String, exitStatus: String) -> FootprintRun {
        var run = FootprintRun(before: before.filter(isOurs), after: after.filter(isOurs), command: command,
                               exitStatus: exitStatus, allowedModules: [])
        let changed = Set(before.items).symmetricDifference(after.items).filter { !isOurs($0) }
        var counts: [String: Int] = [:]
        for item in changed { counts[String(item.prefix { $0 != " " }), default: 0] += 1 }
        run.unattributed = counts.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) }
        return run
    }

    static func isOurs(_ item: String) -> Bool {
        for prefix in ["netns lcw", "mount /run/netns/lcw", "run /run/netns/lcw", "run /run/linkcaps", "module "]
        where item.hasPrefix(prefix) { return true }
        // "link <ifindex> <name>", the name one of the probe's or the witness's links.
        let parts = item.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "link", !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return false }
        if ProbeNames.isProbeLink(parts[2]) { return true }
        let name = parts[2].hasSuffix("p") ? parts[2].dropLast() : parts[2]
        return witnessLinks.contains(String(name))
    }

    /// The links scripts/witness/witness.sh makes (a shell of its own, so its names are stated here).
    static let witnessLinks = ["lcr0", "lcwk0"]
}
