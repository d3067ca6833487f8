import Foundation
import KernelFacts
import Testing
import TestSupport

/// What --load-modules asks libkmod to do, seen through libkmod's own dry run over the committed Debian
/// module trees (Fixtures/modules), and checked against kmod's modprobe doing the same dry run: the options
/// that keep a link kind's module from creating devices. (kmod 30 prints extra options twice, modprobe too;
/// the kernel applies parameters in order, so the last one counts.)
struct ModuleLoaderTests {
    static func options(_ action: String) -> [Substring] { action.split(separator: " ").dropFirst().map { $0 } }

    /// `modprobe -n -v -d ROOT -S RELEASE NAME OPTIONS`: the parameters it would pass, or nil without modprobe.
    static func modprobeWitness(_ name: String, options: String, release: String) throws -> [Substring]? {
        guard let modprobe = ["/usr/sbin/modprobe", "/sbin/modprobe", "/usr/bin/modprobe"]
            .first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
        let root = FixtureModulesTests.tree(release).components(separatedBy: "/lib/modules/").first!
        let text = try Subprocess.run([modprobe, "-n", "-v", "-d", root, "-S", release, name]
                                      + options.split(separator: " ").map(String.init)).stdout
        let line = text.split(separator: "\n").first { $0.hasPrefix("insmod ") && $0.contains("/\(name).ko") } ?? ""
        return line.split(separator: " ").dropFirst(2).map { $0 }
    }

    @Test(arguments: FixtureModulesTests.releases)
    func dummyAndIfbLoadWithoutDevices(release: String) throws {
        for (name, option) in [("dummy", "numdummies=0"), ("ifb", "numifbs=0")] {
            #expect(ModuleLoader.noDeviceOptions[name] == option)
            let run = ModuleLoader.dryRun(name, directory: FixtureModulesTests.tree(release))
            #expect(run.note == "would load \(name) (\(option))")
            let action = try #require(run.actions.first { $0.hasPrefix(name) }, "libkmod would run: \(run.actions)")
            let passed = Self.options(action)
            #expect(!passed.isEmpty && passed.allSatisfy { $0 == option }, "\(name): \(passed)")
            if let witness = try Self.modprobeWitness(name, options: option, release: release) {
                #expect(passed == witness, "libkmod through linkcaps: \(passed); modprobe -n -v: \(witness)")
            }
        }
    }

    @Test(arguments: FixtureModulesTests.releases)
    func vethNeedsNoOptions(release: String) {
        let run = ModuleLoader.dryRun("veth", directory: FixtureModulesTests.tree(release))
        #expect(run.note == "would load veth")
        #expect(run.actions == ["veth"], "libkmod would run: \(run.actions)")
    }

    @Test func aModuleTheTreeLacksIsNotLoaded() {
        let run = ModuleLoader.dryRun("no_such_module_lc", directory: FixtureModulesTests.tree(FixtureModulesTests.releases[0]))
        #expect(run.note?.hasPrefix("not loaded: no module no_such_module_lc") == true)
        #expect(run.actions.isEmpty)
    }
}
