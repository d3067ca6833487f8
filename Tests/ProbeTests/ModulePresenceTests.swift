import TestSupport
import Foundation
@testable import Probe
import Testing

/// A prepared /sys/module, /proc and /lib/modules under a temporary root.
struct ModuleTree {
    let root: String
    let release = "6.1.0-56-cloud-amd64"

    init() throws {
        root = NSTemporaryDirectory() + "linkcaps-modules-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root + "/sys/module", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/proc/sys/kernel", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/lib/modules/\(release)", withIntermediateDirectories: true)
    }

    var files: ModuleFiles { .running(release: release, root: root) }

    func write(_ relative: String, _ text: String) throws {
        try text.write(toFile: root + relative, atomically: true, encoding: .utf8)
    }

    func remove(_ relative: String) { try? FileManager.default.removeItem(atPath: root + relative) }

    /// A host as Debian's 6.1 cloud kernel boots: modules, /sbin/modprobe, the package's real modules.builtin.
    static func debianHost(loaded: [String]) throws -> ModuleTree {
        let tree = try ModuleTree()
        try tree.write("/proc/modules", loaded.map { "\($0) 16384 0 - Live 0x0000000000000000\n" }.joined())
        for name in loaded { try FileManager.default.createDirectory(atPath: tree.root + "/sys/module/\(name)", withIntermediateDirectories: true) }
        try tree.write("/proc/sys/kernel/modprobe", "/sbin/modprobe\n")
        try tree.write("/proc/sys/kernel/modules_disabled", "0\n")
        let builtin = try String(contentsOfFile: TestEnvironment.fixture(
            "modules/\(tree.release)/lib/modules/\(tree.release)/modules.builtin"), encoding: .utf8)
        try tree.write("/lib/modules/\(tree.release)/modules.builtin", builtin)
        let dep = try String(contentsOfFile: TestEnvironment.fixture(
            "modules/\(tree.release)/lib/modules/\(tree.release)/modules.dep"), encoding: .utf8)
        try tree.write("/lib/modules/\(tree.release)/modules.dep", dep)
        return tree
    }

    func delete() { try? FileManager.default.removeItem(atPath: root) }
}

/// The decision "may this link kind be tried without loading a module?", over prepared trees: no root.
@Suite("Module presence, decided from files")
struct ModulePresenceTests {
    @Test func aDebianHostWithVethLoadedTriesVethButNotDummy() throws {
        let tree = try ModuleTree.debianHost(loaded: ["veth", "bridge"])
        defer { tree.delete() }
        let veth = ModulePresence.of(module: "veth", files: tree.files)
        #expect(veth.mayTry && veth.reason.contains("lists veth"))
        let dummy = ModulePresence.of(module: "dummy", files: tree.files)
        #expect(!dummy.mayTry)
        #expect(dummy.reason.contains("dummy is not loaded and not built in") && dummy.reason.contains("/sbin/modprobe"))
        #expect(dummy.reason.contains("--load-modules"))
        #expect(!ModulePresence.of(module: "ifb", files: tree.files).mayTry)
    }

    @Test func builtInModulesComeFromTheReleasesModulesBuiltin() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        // Debian builds af_packet in (kernel/net/packet/af_packet.ko in its modules.builtin).
        #expect(ModulePresence.of(module: "af_packet", files: tree.files) == .present("built in (\(tree.root)/lib/modules/\(tree.release)/modules.builtin)"))
        // A kernel that builds veth in, with '-'/'_' spelled either way.
        try tree.write("/lib/modules/\(tree.release)/modules.builtin", "kernel/drivers/net/veth.ko\nkernel/net/a-b_c.ko\n")
        #expect(ModulePresence.of(module: "veth", files: tree.files).mayTry)
        #expect(ModulePresence.of(module: "a_b-c", files: tree.files).mayTry)
        // Merged /usr: only /usr/lib/modules holds it.
        tree.remove("/lib/modules/\(tree.release)/modules.builtin")
        #expect(!ModulePresence.of(module: "veth", files: tree.files).mayTry)
        try FileManager.default.createDirectory(atPath: tree.root + "/usr/lib/modules/\(tree.release)", withIntermediateDirectories: true)
        try tree.write("/usr/lib/modules/\(tree.release)/modules.builtin", "kernel/drivers/net/veth.ko\n")
        #expect(ModulePresence.of(module: "veth", files: tree.files).mayTry)
    }

    @Test func aBuiltInModuleWithParametersShowsInSysModule() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        try FileManager.default.createDirectory(atPath: tree.root + "/sys/module/dummy/parameters", withIntermediateDirectories: true)
        #expect(ModulePresence.of(module: "dummy", files: tree.files).reason.contains("/sys/module/dummy exists"))
    }

    @Test func aKernelThatCannotLoadModulesMayTryAnything() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        try tree.write("/proc/sys/kernel/modprobe", "\n")
        #expect(ModulePresence.of(module: "dummy", files: tree.files) == .kernelCannotLoad(
            "the kernel has no modprobe helper (\(tree.root)/proc/sys/kernel/modprobe empty or absent)"))
        try tree.write("/proc/sys/kernel/modprobe", "/sbin/modprobe\n")
        try tree.write("/proc/sys/kernel/modules_disabled", "1\n")
        #expect(ModulePresence.of(module: "dummy", files: tree.files).reason.contains("module loading is disabled"))
        tree.remove("/proc/modules")
        #expect(ModulePresence.of(module: "dummy", files: tree.files).reason.contains("no loadable modules"))
    }

    @Test func withoutModulesBuiltinTheReasonSaysSo() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        tree.remove("/lib/modules")
        let veth = ModulePresence.of(module: "veth", files: tree.files)
        #expect(!veth.mayTry && veth.reason.contains("no modules.builtin"))
    }

    /// This machine: CONFIG_MODULES=n, so every kind may be tried (dummy answers EOPNOTSUPP, nothing loads).
    @Test(.enabled(if: access("/proc/modules", F_OK) != 0, "this kernel has loadable modules"))
    func thisMachineCannotLoadModules() {
        for kind in LinkKindChoice.candidates {
            let presence = ModulePresence.of(module: kind, files: .running())
            #expect(presence.mayTry, "\(kind): \(presence)")
        }
    }
}
