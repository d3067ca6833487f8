import JSONText

/// What one probe (or witness) run changed in the initial namespace, judged: a run passes when the namespace
/// gained and lost nothing but the modules it was allowed to load (with --load-modules: those its report
/// lists; without it, veth, whose module creates no device, when its report lists it), and the kernel
/// printed nothing of it: no line at warning level or worse, and no line naming the probe's links but the
/// info-level notice of a rename. A run that asked for the experiments a default probe leaves out (--all,
/// --experiment) may print the warning one of them provokes; the emulation's one-time warnings are
/// recorded only.
public struct FootprintRun: Sendable {
    public struct Change: Equatable, Sendable {
        public var gained: [String]
        public var lost: [String]
    }

    public var command: String
    /// As the init printed it: a number when it is one.
    public var exitStatus: String
    public var allowedModules: [String]
    public var links, modules, netns, mounts: Change
    /// Only snapshots of this host list files under /run.
    public var run: Change?
    /// The kernel log's new lines, "<level> text", when the snapshots list the log.
    public var kernelLog: [String]?
    public var problems: [String]
    /// The plain run's report, as far as the footprint needs it (linkKind, linkKindNotes, modulesLoaded).
    public var probe: JSON?
    public var stderr: String?
    /// What changed that is not this run's to judge (scripts/observe --host, where the machine is shared):
    /// counts per kind.
    public var unattributed: [(kind: String, count: Int)]?

    public var ok: Bool { problems.isEmpty }

    public init(before: Snapshot, after: Snapshot, command: String, exitStatus: String, allowedModules: [String],
                probe: JSON? = nil) {
        self.command = command
        self.exitStatus = exitStatus
        self.allowedModules = allowedModules
        self.probe = probe
        func change(_ kind: String) -> Change {
            let b = before.values(kind), a = after.values(kind)
            let inBefore = Set(b), inAfter = Set(a)
            return Change(gained: a.filter { !inBefore.contains($0) }, lost: b.filter { !inAfter.contains($0) })
        }
        // "<ifindex> <name>" → "<name> (ifindex <ifindex>)"; an item of another shape is not a link.
        func linkNames(_ items: [String]) -> [String] {
            items.compactMap { item in
                guard let space = item.firstIndex(of: " "), space > item.startIndex,
                      item[..<space].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return "\(item[item.index(after: space)...]) (ifindex \(item[..<space]))"
            }
        }
        let rawLinks = change("link")
        links = Change(gained: linkNames(rawLinks.gained), lost: linkNames(rawLinks.lost))
        modules = change("module")
        netns = change("netns")
        mounts = change("mount")
        run = before.has("run") || after.has("run") ? change("run") : nil
        let records = change("kmsg").gained.map(KernelLogRecord.init)
        kernelLog = before.has("kmsg") || after.has("kmsg") ? records.map { "<\($0.level)> \($0.text)" } : nil

        let asked = command.contains("--all") || command.contains("--experiment")
        let allowed = Set(allowedModules)
        let moduleReason = allowedModules.isEmpty && !command.contains("--load-modules")
            ? " without --load-modules" : " but not listed in the report"
        var problems = links.gained.map { "new link \($0) in the initial namespace" }
        problems += links.lost.map { "link \($0) gone from the initial namespace" }
        problems += modules.gained.filter { !allowed.contains($0) }.map { "module \($0) loaded" + moduleReason }
        problems += modules.lost.map { "module \($0) unloaded" }
        problems += netns.gained.map { "named namespace \($0) left in /run/netns" } + netns.lost.map { "named namespace \($0) removed" }
        problems += mounts.gained.map { "new mount \($0)" } + mounts.lost.map { "mount \($0) removed" }
        problems += (run?.gained ?? []).map { "new file \($0)" } + (run?.lost ?? []).map { "file \($0) removed" }
        for record in records where !((asked && record.isAskedWarning) || record.isEmulationNoise) {
            if record.level <= 4 {
                problems.append("kernel log, level \(record.level): \(record.text)")
            } else if record.namesAProbeLink && !record.isRenameNotice {
                problems.append("kernel log names a probe link: \(record.text)")
            }
        }
        self.problems = problems
    }

    /// The observation's shape of a run (matrix/SCHEMA.md, "footprint"), members in the order the committed
    /// observations hold them.
    public var json: JSON {
        func strings(_ items: [String]) -> JSON { .array(items.map(JSON.string)) }
        func side(_ pick: (Change) -> [String]) -> JSON {
            var pairs: [(String, JSON)] = [("links", strings(pick(links))), ("modules", strings(pick(modules))),
                                           ("netns", strings(pick(netns))), ("mounts", strings(pick(mounts)))]
            if let run { pairs.append(("run", strings(pick(run)))) } else if unattributed != nil { pairs.append(("run", .array([]))) }
            return .object(pairs)
        }
        var pairs: [(String, JSON)] = [
            ("command", .string(command)),
            ("exitStatus", Self.number(exitStatus).map { .number(String($0)) } ?? .string(exitStatus)),
            ("gained", side(\.gained)), ("lost", side(\.lost)),
            ("allowedModules", strings(allowedModules)), ("ok", .bool(ok)), ("problems", strings(problems)),
        ]
        if let kernelLog { pairs.append(("kernelLog", strings(kernelLog))) }
        if let probe { pairs.append(("probe", probe)) }
        if let stderr, !stderr.isEmpty { pairs.append(("stderr", .string(stderr))) }
        if let unattributed { pairs.append(("unattributed", .object(unattributed.map { ($0.kind, .number(String($0.count))) }))) }
        return .object(pairs)
    }

    /// An exit status the init printed, when it is digits (a shell's $? is never negative); "" (the init
    /// printed none) stays text.
    static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

/// The observation's "footprint" member: {"ok", "runs"}.
public struct Footprint: Sendable {
    public var runs: [FootprintRun]
    public var ok: Bool { runs.allSatisfy(\.ok) }

    public init(runs: [FootprintRun]) { self.runs = runs }

    public var json: JSON { Self.json(runs: runs.map(\.json)) }

    /// The member from runs as written (scripts/observe --host judges each run on its own): ok when every
    /// run is.
    public static func json(runs: [JSON]) -> JSON {
        .object([("ok", .bool(runs.allSatisfy { $0["ok"] == .bool(true) })), ("runs", .array(runs))])
    }

    /// "footprint of `command`: nothing left behind" or its problems, a line per run.
    public var lines: [String] { Self.lines(json) }

    /// Why it fails, "" when it passes: "`command`: problem, problem; …".
    public var failure: String { Self.failure(json) }

    /// The same from a footprint member as written (the runs' command, ok, problems, unattributed).
    public static func lines(_ footprint: JSON) -> [String] {
        (footprint["runs"]?.array ?? []).map { run in
            let problems = run["problems"]?.array?.compactMap(\.string) ?? []
            var line = "footprint of `\(run["command"]?.string ?? "")`: "
                + (run["ok"] == .bool(true) ? "nothing left behind" : problems.joined(separator: "; "))
            if case .object(let others)? = run["unattributed"] {
                let said = others.map { "\($0.1.text) \($0.0)" }.joined(separator: ", ")
                line += " (other work meanwhile: \(said.isEmpty ? "none" : said))"
            }
            return line
        }
    }

    public static func failure(_ footprint: JSON) -> String {
        (footprint["runs"]?.array ?? []).filter { $0["ok"] != .bool(true) }.map { run in
            "`\(run["command"]?.string ?? "")`: \((run["problems"]?.array?.compactMap(\.string) ?? []).joined(separator: ", "))"
        }.joined(separator: "; ")
    }
}
