import CKmod
import Glibc

/// Loads a kernel module through libkmod, as `modprobe` would (dependencies first). Only used with
/// `linkcaps probe --load-modules`: loading a module is a host-wide side effect, never a default.
public enum ModuleLoader {
    /// Returns a one-line note for the report: "loaded dummy" or why not. Signature matches
    /// ProbeOptions.loadModule.
    public static func load(_ name: String) -> String? {
        guard let context = KmodContext() else { return "not loaded: kmod_new failed" }
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
        let flags = UInt32(KMOD_PROBE_APPLY_BLACKLIST.rawValue)
        let status = kmod_module_probe_insert_module(module, flags, nil, nil, nil, nil)
        if status == 0 { return "loaded \(name)" }
        if status > 0 { return "not loaded: \(name) is blacklisted" }
        return "not loaded: \(errnoName(-status)) (\(String(cString: strerror(-status))))"
    }
}
