import Capabilities
import Glibc
import KernelFacts
import Probe
import SystemCalls
import Testing

/// Facts of the machine the tests run on. Where there is no module database (this development machine:
/// CONFIG_MODULES=n, no /lib/modules) every module is `unknown`, never `absent`; which link kinds exist is
/// learnt by trying them (the probe's link kind choice).
struct ThisMachineFactsTests {
    static var hasModuleDatabase: Bool { KmodContext()?.hasDatabase ?? false }

    @Test func identityFacts() {
        let facts = HostFactsGatherer().gather()
        #expect(facts.hasModuleSupport == (access("/proc/modules", F_OK) == 0))
        #expect(facts.effectiveCapabilities?.hasPrefix("0x") == true)
        #expect(facts.osRelease?.id != nil)
        #expect(facts.modules.map(\.name) == HostFactsGatherer.linkKindModules)
    }

    @Test(.enabled(if: !hasModuleDatabase, "this machine has a module database; the no-database case is covered by the fixtures' missing-tree test"))
    func noDatabaseMeansUnknownNotAbsent() {
        let facts = HostFactsGatherer().gather()
        #expect(facts.moduleDatabase?.available == false)
        for module in facts.modules where module.state != .live {
            #expect(module.state == .unknown, "\(module.name) is \(module.state) without a module database")
        }
    }

    @Test(.enabled(if: Privilege.isPrivileged, "needs root: the probe makes links in scratch namespaces"))
    func vethIsFoundByTryingNotByLibkmod() throws {
        let report = try Prober.run(ProbeOptions(only: [.renameWhileUp]))
        var facts = HostFactsGatherer().gather()
        HostFactsGatherer.annotate(&facts, with: report.probe)
        let kind = try #require(report.probe.linkKind)
        let module = try #require(facts.modules.first { $0.name == kind })
        #expect(module.note?.contains("the probe made a \(kind) link") == true)
        if !Self.hasModuleDatabase {
            #expect(module.state == .unknown, "libkmod cannot know; the probe's choice is what says \(kind) exists")
        }
    }

    @Test func loopbackDriverDoesNotCrash() {
        // lo has no ethtool driver info and no sysfs device: the answer says so instead of guessing.
        let lo = InterfaceDriver.describe("lo")
        #expect(lo.name == "lo")
        #expect(lo.source == .none || lo.driver != nil)
    }

    @Test(.enabled(if: !hasModuleDatabase, "this machine has a module database: loading would really load a module"))
    func loadingWithoutDatabaseIsRefusedPolitely() {
        #expect(ModuleLoader.load("dummy")?.hasPrefix("not loaded") == true)
    }
}
