import Capabilities

/// The host facts under the probe's table: distro, kernel modules and drivers, one line each.
enum FactsTable {
    static func render(_ facts: HostFacts?) -> String {
        guard let facts else { return "" }
        var out = "\nhost facts\n"
        if let os = facts.osRelease {
            out += line("os", [os.id, os.versionId].compactMap { $0 }.joined(separator: " "))
        }
        out += line("distro kernel", facts.distroKernelVersion.map { v in
            v + (facts.distroKernelVersionSource.map { " (\($0.rawValue))" } ?? "")
        } ?? "not encoded")
        out += line("capabilities", facts.effectiveCapabilities ?? "unknown")
        out += line("loadable modules", facts.hasModuleSupport.map { $0 ? "yes (/proc/modules)" : "no (no /proc/modules)" }
            ?? "unknown")
        if let database = facts.moduleDatabase {
            out += line("module database", (database.directory ?? "default")
                + (database.available ? "" : " — " + (database.note ?? "unavailable")))
        }
        for module in facts.modules {
            var detail = module.state.rawValue
            if let version = module.version { detail += " v\(version)" }
            if !module.dependencies.isEmpty { detail += ", needs " + module.dependencies.joined(separator: ", ") }
            if let note = module.note { detail += " — " + note }
            out += line("module " + module.name, detail)
        }
        for interface in facts.interfaces ?? [] {
            var detail = interface.driver ?? "driver unknown"
            if let version = interface.driverVersion { detail += " \(version)" }
            if let bus = interface.busInfo { detail += " at \(bus)" }
            detail += " (\(interface.source.rawValue))"
            if let note = interface.note { detail += " — " + note }
            out += line("interface " + interface.name, detail)
        }
        return out
    }

    static func line(_ label: String, _ value: String) -> String {
        ProbeTable.pad(label, 20) + "  " + value + "\n"
    }
}
