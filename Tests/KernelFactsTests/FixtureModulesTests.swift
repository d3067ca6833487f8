import Capabilities
import KernelFacts
import Testing

/// libkmod over the committed Debian module trees (Fixtures/modules, see Fixtures/README.md): no root.
struct FixtureModulesTests {
    static let releases = ["6.1.0-56-cloud-amd64", "6.12.117+deb12-cloud-amd64", "5.10.0-43-cloud-amd64"]

    static func tree(_ release: String) -> String {
        let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        return "/\(root)/Fixtures/modules/\(release)/lib/modules/\(release)"
    }

    @Test(arguments: releases)
    func dummyIsLoadable(release: String) throws {
        let context = try #require(KmodContext(directory: Self.tree(release)))
        #expect(context.hasDatabase, "libkmod could not read \(Self.tree(release)): \(context.messages)")
        let dummy = context.module("dummy")
        #expect(dummy.state == .loadable)
        #expect(dummy.path?.hasSuffix("drivers/net/dummy.ko") == true || dummy.path?.contains("dummy.ko") == true)
        #expect(dummy.vermagic?.hasPrefix(release.split(separator: "+").first.map(String.init) ?? release) == true,
                "vermagic \(dummy.vermagic ?? "nil")")
        #expect(dummy.dependencies.isEmpty)  // dummy has no MODULE_VERSION, so no srcversion either
        // A fixture is not the running kernel: /sys/module must not turn "loadable" into "live".
        #expect(context.describesRunningKernel == false)
    }

    @Test(arguments: releases)
    func virtioNetBringsFailover(release: String) throws {
        let context = try #require(KmodContext(directory: Self.tree(release)))
        let virtio = context.module("virtio_net")
        #expect(virtio.state == .loadable)
        #expect(virtio.dependencies.contains("net_failover"), "\(virtio.dependencies)")
        #expect(virtio.dependencies.contains("failover"), "\(virtio.dependencies)")
        #expect(context.module("net_failover").dependencies == ["failover"])
    }

    @Test(arguments: releases)
    func aliasesAndAbsence(release: String) throws {
        let context = try #require(KmodContext(directory: Self.tree(release)))
        // rtnetlink asks for "rtnl-link-<kind>" when a kind is unknown: the alias leads to the module.
        #expect(context.module("rtnl-link-veth").name == "veth")
        let missing = context.module("no_such_module_lc")
        #expect(missing.state == .absent)
    }

    /// Debian 11's 5.10 (the kernel CI boots): virtio and virtio_ring are still modules there (built in
    /// by 6.12), so virtio_net needs four; and the cloud kernel is built without preemption.
    @Test func bullseyeTree() throws {
        let release = "5.10.0-43-cloud-amd64"
        let context = try #require(KmodContext(directory: Self.tree(release)))
        #expect(context.hasDatabase, "\(context.messages)")
        #expect(Set(context.module("virtio_net").dependencies) == ["net_failover", "failover", "virtio_ring", "virtio"])
        #expect(context.module("virtio").state == .loadable)
        #expect(context.module("rtnl-link-dummy").name == "dummy")
        #expect(context.module("dummy").path?.hasSuffix("/kernel/drivers/net/dummy.ko") == true)
        let vermagic = try #require(context.module("dummy").vermagic)
        #expect(vermagic.hasPrefix("5.10.0-43-cloud-amd64 SMP mod_unload"), "\(vermagic)")
    }

    @Test func gathererReadsAFixtureTree() {
        let facts = HostFactsGatherer(moduleDirectory: Self.tree(Self.releases[0])).gather()
        #expect(facts.moduleDatabase?.available == true)
        #expect(facts.modules.map(\.name) == ["dummy", "veth", "ifb"])
        #expect(facts.modules.allSatisfy { $0.state == .loadable })
    }

    @Test func missingTreeIsUnknownNotAbsent() {
        let context = KmodContext(directory: "/nonexistent/lib/modules/0.0")
        #expect(context?.hasDatabase == false)
        #expect(context?.module("dummy").state == .unknown)
    }
}
