import CKmod
import Glibc
import Synchronization

/// Loads a kernel module through libkmod, as `modprobe` would (dependencies first). Only used with
/// `linkcaps probe --load-modules`: loading a module is a host-wide side effect, never a default.
public enum ModuleLoader {
    /// Options that make a link kind's module load without creating any device: by default dummy makes
    /// dummy0 (numdummies=1) and ifb makes ifb0 and ifb1 (numifbs=2) in the initial namespace. libkmod
    /// appends them after any options from modprobe.d, and the kernel applies parameters in order, so they win.
    public static let noDeviceOptions = ["dummy": "numdummies=0", "ifb": "numifbs=0"]

    /// Returns a one-line note for the report: "loaded dummy (numdummies=0)" or why not. Signature matches
    /// ProbeOptions.loadModule. Install commands from modprobe.d are not run: we load the module itself.
    public static func load(_ name: String) -> String? {
        probe(name, context: KmodContext(), dryRun: false)
    }

    /// What `load` would do in a module tree, without doing it (KMOD_PROBE_DRY_RUN): libkmod's own account,
    /// one "module options" line per module it would insert, dependencies first.
    public static func dryRun(_ name: String, directory: String) -> (note: String?, actions: [String]) {
        DryRunLog.oneAtATime.withLock { _ in
            DryRunLog.actions.withLock { $0 = [] }
            let note = probe(name, context: KmodContext(directory: directory), dryRun: true)
            return (note, DryRunLog.actions.withLock { $0 })
        }
    }

    private static func probe(_ name: String, context: KmodContext?, dryRun: Bool) -> String? {
        guard let context else { return "not loaded: kmod_new failed" }
        guard context.hasDatabase else {
            return "not loaded: no module database in \(context.directory) (\(errnoName(-context.loadError)))"
        }
        var list: OpaquePointer?
        let found = name.withCString { kmod_module_new_from_lookup(context.ctx, $0, &list) }
        defer { kmod_module_unref_list(list) }
        guard found >= 0, let list, let module = kmod_module_get_module(list) else {
            return "not loaded: no module \(name) in \(context.directory)"
        }
        defer { kmod_module_unref(module) }
        var flags = KMOD_PROBE_APPLY_BLACKLIST.rawValue | KMOD_PROBE_IGNORE_COMMAND.rawValue
        if dryRun { flags |= KMOD_PROBE_DRY_RUN.rawValue }
        let options = noDeviceOptions[name]
        let status = options.withOptionalCString {
            kmod_module_probe_insert_module(module, UInt32(flags), $0, nil, nil, dryRun ? recordAction : nil)
        }
        let verb = dryRun ? "would load" : "loaded"
        if status == 0 { return "\(verb) \(name)" + (options.map { " (\($0))" } ?? "") }
        if status > 0 { return "not loaded: \(name) is blacklisted" }
        return "not loaded: \(errnoName(-status)) (\(String(cString: strerror(-status))))"
    }
}

/// libkmod's print_action callback has no context pointer: the dry run's lines go to one guarded log, and
/// dry runs take turns.
private enum DryRunLog {
    static let oneAtATime = Mutex(())
    static let actions = Mutex<[String]>([])
}

private let recordAction: @convention(c) (OpaquePointer?, Bool, UnsafePointer<CChar>?) -> Void = { module, _, options in
    let name = module.flatMap { kmod_module_get_name($0) }.map { String(cString: $0) } ?? "?"
    let text = options.map { String(cString: $0) } ?? ""
    DryRunLog.actions.withLock { $0.append(text.isEmpty ? name : "\(name) \(text)") }
}

extension Optional where Wrapped == String {
    func withOptionalCString<Result>(_ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        switch self {
        case .some(let text): return text.withCString { body($0) }
        case .none: return body(nil)
        }
    }
}
