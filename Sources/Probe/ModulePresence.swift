import Glibc
import SystemCalls

/// Where the kernel tells, without loading anything, which modules it has and whether it can load more.
/// Paths so that tests (and a guest) can point the decision at prepared trees.
public struct ModuleFiles: Equatable, Sendable {
    /// /sys/module/NAME exists for every loaded module and for built-in ones with parameters.
    public var sysModule: String
    /// Lists loaded modules; absent when the kernel was built without CONFIG_MODULES.
    public var procModules: String
    /// The helper request_module runs; empty (or absent) means the kernel cannot load modules by itself.
    public var modprobeHelper: String
    /// "1" once module loading has been disabled for this boot.
    public var modulesDisabled: String
    /// modules.builtin of the running release, first readable one wins (merged /usr keeps it in both places).
    public var modulesBuiltin: [String]
    /// modules.dep of the running release (the modules modprobe can find), first readable one wins.
    public var modulesDep: [String]

    public init(sysModule: String, procModules: String, modprobeHelper: String, modulesDisabled: String,
                modulesBuiltin: [String], modulesDep: [String] = []) {
        self.sysModule = sysModule
        self.procModules = procModules
        self.modprobeHelper = modprobeHelper
        self.modulesDisabled = modulesDisabled
        self.modulesBuiltin = modulesBuiltin
        self.modulesDep = modulesDep
    }

    /// The running kernel's files, all under `root` ("" for the real ones).
    public static func running(release: String = SystemIdentity.current().release, root: String = "") -> ModuleFiles {
        ModuleFiles(sysModule: root + "/sys/module", procModules: root + "/proc/modules",
                    modprobeHelper: root + "/proc/sys/kernel/modprobe",
                    modulesDisabled: root + "/proc/sys/kernel/modules_disabled",
                    modulesBuiltin: ["/lib/modules", "/usr/lib/modules"].map { root + $0 + "/\(release)/modules.builtin" },
                    modulesDep: ["/lib/modules", "/usr/lib/modules"].map { root + $0 + "/\(release)/modules.dep" })
    }

    /// The real files, or those under $LINKCAPS_TEST_MODULE_ROOT (a documented test hook, like the pause hook).
    public static func fromEnvironment() -> ModuleFiles {
        running(root: getenv("LINKCAPS_TEST_MODULE_ROOT").map { String(cString: $0) } ?? "")
    }
}

/// What the kernel has of one module, decided from files only.
public enum ModulePresence: Equatable, Sendable {
    /// Loaded now, or built in: making a link of its kind loads nothing.
    case present(String)
    /// The kernel cannot load any module: trying a kind it lacks costs an EOPNOTSUPP, nothing more.
    case kernelCannotLoad(String)
    /// Neither loaded nor built in while the kernel can load modules: creating a link of this kind would
    /// make the kernel run modprobe itself (request_module "rtnl-link-KIND"), whoever asked.
    case wouldLoad(String)

    /// Whether making a link of this kind leaves the host's modules as they are.
    public var mayTry: Bool {
        if case .wouldLoad = self { return false }
        return true
    }

    public var reason: String {
        switch self {
        case .present(let why), .kernelCannotLoad(let why), .wouldLoad(let why): return why
        }
    }

    /// Decides for one module. Loaded or built in first (the most telling answer), then whether the kernel
    /// could load anything at all.
    public static func of(module name: String, files: ModuleFiles) -> ModulePresence {
        let wanted = normalized(name)
        if let listing = readText(files.procModules),
           listing.split(separator: "\n").contains(where: { normalized($0.prefix { $0 != " " }) == wanted }) {
            return .present("loaded (\(files.procModules) lists \(name))")
        }
        if access(files.sysModule + "/" + wanted, F_OK) == 0 {
            return .present("loaded or built in (\(files.sysModule)/\(wanted) exists)")
        }
        let builtin = files.modulesBuiltin.lazy.compactMap { path in readText(path).map { (path, $0) } }.first
        if let (path, list) = builtin, list.split(separator: "\n").contains(where: { moduleName(ofPath: $0) == wanted }) {
            return .present("built in (\(path))")
        }
        if access(files.procModules, F_OK) != 0 {
            return .kernelCannotLoad("the kernel has no loadable modules (no \(files.procModules))")
        }
        let helper = readText(files.modprobeHelper)?.filter { !$0.isWhitespace } ?? ""
        if helper.isEmpty {
            return .kernelCannotLoad("the kernel has no modprobe helper (\(files.modprobeHelper) empty or absent)")
        }
        if readText(files.modulesDisabled)?.hasPrefix("1") == true {
            return .kernelCannotLoad("module loading is disabled (\(files.modulesDisabled) is 1)")
        }
        let unknownBuiltin = builtin == nil ? "; no modules.builtin to say whether it is built in" : ""
        return .wouldLoad("\(name) is not loaded\(builtin == nil ? "" : " and not built in")\(unknownBuiltin): "
            + "making one would make the kernel load it (\(helper)); --load-modules loads it without creating devices")
    }

    /// Whether modprobe would find the module: modules.dep of the running release lists it. Without it the
    /// kernel's request would run modprobe for nothing.
    public static func isInstalled(module name: String, files: ModuleFiles) -> Bool {
        let wanted = normalized(name)
        guard let dep = files.modulesDep.lazy.compactMap({ readText($0) }).first else { return false }
        return dep.split(separator: "\n").contains { moduleName(ofPath: $0.prefix { $0 != ":" }) == wanted }
    }

    /// Module names treat '-' and '_' alike.
    static func normalized(_ name: some StringProtocol) -> String {
        String(name.map { $0 == "-" ? "_" : $0 })
    }

    /// "kernel/drivers/net/veth.ko" (modules.builtin) → "veth".
    static func moduleName(ofPath line: Substring) -> String {
        let file = line.split(separator: "/").last ?? ""
        return normalized(file.prefix { $0 != "." })
    }

    private static func readText(_ path: String) -> String? {
        readSmallFile(path, limit: 1 << 20)
    }
}
