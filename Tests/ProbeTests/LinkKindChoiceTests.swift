import TestSupport
import Foundation
@testable import Probe
import Testing

/// The link kind choice on this kernel, with what it believes about modules taken from a prepared tree: a
/// kind the tree calls absent (while the kernel could load modules) is never asked of the kernel.
@Suite("Link kind choice (root)", .serialized, .enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
struct LinkKindChoiceTests {
    @Test func kindsThatWouldLoadAModuleAreSkippedNotTried() throws {
        let tree = try ModuleTree.debianHost(loaded: ["ifb"])
        defer { tree.delete() }
        let choice = try LinkKindChoice.choose(files: tree.files, loadModule: nil)
        #expect(choice.kind == "ifb")
        #expect(choice.loaded.isEmpty)
        for kind in ["dummy", "veth"] {
            #expect(choice.notes[kind]?.hasPrefix("skipped: \(kind) is not loaded and not built in") == true, "\(choice.notes)")
        }
    }

    @Test func withALoaderTheModuleIsLoadedFirstAndRecorded() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        var asked: [String] = []
        // Stands in for libkmod (this kernel has no modules): loading shows up in /proc/modules, as it would.
        let loader: (String) -> String? = { module in
            asked.append(module)
            try? tree.write("/proc/modules", "\(module) 16384 0 - Live 0x0000000000000000\n")
            return "loaded \(module)"
        }
        let choice = try LinkKindChoice.choose(candidates: ["veth"], files: tree.files, loadModule: loader)
        #expect(asked == ["veth"])
        #expect(choice.kind == "veth" && choice.loaded == ["veth"])
        #expect(choice.notes["veth"] == "loaded: loaded veth")
    }

    @Test func aLoaderThatFailsLeavesTheKindUntried() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        let choice = try LinkKindChoice.choose(candidates: ["dummy", "veth"], files: tree.files) { _ in "not loaded: no module database" }
        #expect(choice.kind == nil && choice.loaded.isEmpty)
        #expect(choice.notes == ["dummy": "skipped: not loaded: no module database", "veth": "skipped: not loaded: no module database"])
    }

    /// Among kinds whose modules make devices (dummy0, ifb0, ifb1) none is tried: the probe refuses.
    @Test func theProbeRefusesAndSaysHowWhenNoKindIsPresent() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        #expect {
            try Prober.run(ProbeOptions(only: [.renameWhileUp], linkKinds: ["dummy", "ifb"], moduleFiles: tree.files))
        } throws: { error in
            guard case .noLinkKind(let notes) = error as? ProbeError else { return false }
            return notes.keys.sorted() == ["dummy", "ifb"] && "\(error)".contains("--load-modules")
        }
    }

    /// A stock host before any container network: none of the kinds loaded, modprobe in place. dummy and
    /// ifb are passed over (their modules make devices); veth, whose module makes none, is asked of the
    /// kernel last. This kernel has veth built in, so nothing is loaded here and the note says so; in a
    /// Debian guest the kernel loads veth.ko (Tests/Guest: the first ADD on a cold host).
    @Test func withNoKindLoadedVethIsAskedForLast() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        let choice = try LinkKindChoice.choose(files: tree.files, loadModule: nil)
        #expect(choice.kind == "veth")
        #expect(choice.notes["dummy"]?.hasPrefix("skipped: dummy is not loaded and not built in") == true, "\(choice.notes)")
        #expect(choice.notes["ifb"]?.hasPrefix("skipped: ifb is not loaded and not built in") == true, "\(choice.notes)")
        #expect(choice.notes["veth"]?.hasPrefix("made without a module load: no other kind was there, so the kernel was asked for veth, whose module creates no device") == true,
                "\(choice.notes)")
        #expect(choice.loaded.isEmpty, "the tree still says veth is not loaded: nothing is claimed")
        #expect(LinkKindChoice.loadableWithoutDevices == ["veth"])
    }

    /// A kernel whose module tree lacks veth.ko (modules.dep does not list it): asking would run modprobe
    /// for nothing, so veth is not asked for and the probe has no kind.
    @Test func vethIsNotAskedForWhenItsModuleIsNotInstalled() throws {
        let tree = try ModuleTree.debianHost(loaded: [])
        defer { tree.delete() }
        try tree.write("/lib/modules/\(tree.release)/modules.dep", "kernel/drivers/net/dummy.ko:\nkernel/drivers/net/ifb.ko:\n")
        #expect(!ModulePresence.isInstalled(module: "veth", files: tree.files) && ModulePresence.isInstalled(module: "dummy", files: tree.files))
        let choice = try LinkKindChoice.choose(files: tree.files, loadModule: nil)
        #expect(choice.kind == nil && choice.loaded.isEmpty)
        #expect(choice.notes["veth"]?.hasPrefix("skipped: veth is not loaded and not built in") == true, "\(choice.notes)")
    }

    /// This machine (no loadable modules): dummy is tried and refused, veth is made; nothing is loaded.
    @Test(.enabled(if: access("/proc/modules", F_OK) != 0, "this kernel has loadable modules"))
    func thisMachineTriesEveryKind() throws {
        let choice = try LinkKindChoice.choose(files: .running(), loadModule: nil)
        #expect(choice.kind == "veth")
        #expect(choice.notes["dummy"]?.hasPrefix("EOPNOTSUPP") == true)
        #expect(choice.loaded.isEmpty)
    }
}
