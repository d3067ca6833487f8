import Capabilities
import CKmod
import Glibc
import SystemCalls
import SystemPackage

extension KmodContext {
    /// What libkmod knows of one module (a module name or an alias such as rtnl-link-dummy).
    ///
    /// Without a module database the answer is `unknown`, never `absent`: a kernel without /lib/modules may
    /// still have the driver built in (this machine's veth). Only a loaded module (/sys/module/NAME/initstate)
    /// is certain then. For a tree that is not the running kernel's (a fixture) /sys is never consulted.
    public func module(_ name: String) -> HostFacts.Module {
        guard hasDatabase else {
            if describesRunningKernel, let live = liveState(name) { return live }
            return HostFacts.Module(name: name, state: .unknown,
                                    note: "no module database in \(directory) (\(errnoName(-loadError)))")
        }
        var list: OpaquePointer?
        let found = name.withCString { kmod_module_new_from_lookup(ctx, $0, &list) }
        defer { kmod_module_unref_list(list) }
        guard found >= 0 else {
            return HostFacts.Module(name: name, state: .unknown, note: "lookup failed (\(errnoName(-found)))")
        }
        guard let list, let module = kmod_module_get_module(list) else {
            return HostFacts.Module(name: name, state: .absent, note: "not in \(directory)")
        }
        defer { kmod_module_unref(module) }
        return describe(module, askedAs: name)
    }

    private func describe(_ module: OpaquePointer, askedAs name: String) -> HostFacts.Module {
        let realName = kmod_module_get_name(module).map { String(cString: $0) } ?? name
        let path = kmod_module_get_path(module).map { String(cString: $0) }
        var result = HostFacts.Module(name: realName, state: path == nil ? .builtin : .loadable, path: path)
        if realName != name { result.note = "found as \(name)" }
        if describesRunningKernel {
            switch kmod_module_get_initstate(module) {
            case Int32(KMOD_MODULE_BUILTIN.rawValue): result.state = .builtin
            case Int32(KMOD_MODULE_LIVE.rawValue), Int32(KMOD_MODULE_COMING.rawValue): result.state = .live
            default: break
            }
        }
        result.dependencies = dependencies(of: module)
        let info = self.info(of: module)
        result.version = info["version"]
        result.srcversion = info["srcversion"]
        result.vermagic = info["vermagic"]
        return result
    }

    /// modules.dep lists every module needed before this one (depmod writes the closure), in load order.
    private func dependencies(of module: OpaquePointer) -> [String] {
        guard let list = kmod_module_get_dependencies(module) else { return [] }
        defer { kmod_module_unref_list(list) }
        var names: [String] = []
        var entry: OpaquePointer? = list
        while let current = entry {
            if let dep = kmod_module_get_module(current) {
                if let name = kmod_module_get_name(dep) { names.append(String(cString: name)) }
                kmod_module_unref(dep)
            }
            entry = kmod_list_next(list, current)
        }
        return names
    }

    /// modinfo's fields (reads the .ko, or modules.builtin.modinfo for built-in modules).
    private func info(of module: OpaquePointer) -> [String: String] {
        var list: OpaquePointer?
        guard kmod_module_get_info(module, &list) >= 0, let list else { return [:] }
        defer { kmod_module_info_free_list(list) }
        var fields: [String: String] = [:]
        var entry: OpaquePointer? = list
        while let current = entry {
            if let key = kmod_module_info_get_key(current), let value = kmod_module_info_get_value(current) {
                fields[String(cString: key)] = fields[String(cString: key)] ?? String(cString: value)
            }
            entry = kmod_list_next(list, current)
        }
        return fields
    }

    /// A loaded module shows its state in /sys/module/NAME/initstate, database or not.
    private func liveState(_ name: String) -> HostFacts.Module? {
        guard let state = readFirstLine("/sys/module/\(name)/initstate"), state == "live" || state == "coming" else {
            return nil
        }
        return HostFacts.Module(name: name, state: .live, note: "loaded (no module database to say more)")
    }
}

func errnoName(_ value: Int32) -> String { Errno(rawValue: value).name }
