import Capabilities
import Glibc
import Namespaces
import SystemCalls

/// Gathers the facts that explain a report. Cheap (no namespaces unless interfaces are asked for one),
/// and never fails: what cannot be read is left out or marked unknown.
public struct HostFactsGatherer {
    /// The throwaway link kinds the probe may use, and so the modules worth describing.
    public static let linkKindModules = ["dummy", "veth", "ifb"]

    /// Interfaces whose drivers to describe (and whose modules to add to `modules`).
    public var interfaces: [String]
    /// The namespace those interfaces live in; nil: the caller's (host) namespace.
    public var interfaceNamespace: NetworkNamespace?
    /// A module tree (…/lib/modules/<release>) instead of the running kernel's; for tests.
    public var moduleDirectory: String?

    public init(interfaces: [String] = [], interfaceNamespace: NetworkNamespace? = nil, moduleDirectory: String? = nil) {
        self.interfaces = interfaces
        self.interfaceNamespace = interfaceNamespace
        self.moduleDirectory = moduleDirectory
    }

    public func gather() -> HostFacts {
        let identity = SystemIdentity.current()
        var facts = HostFacts()
        if let distro = DistroKernel.version(signature: readSmallFile("/proc/version_signature"),
                                             unameVersion: identity.version) {
            facts.distroKernelVersion = distro.version
            facts.distroKernelVersionSource = distro.source
        }
        if let text = OSReleaseFile.paths.lazy.compactMap({ readSmallFile($0) }).first {
            let fields = OSReleaseFile.parse(text)
            facts.osRelease = .init(id: fields["ID"], versionId: fields["VERSION_ID"], prettyName: fields["PRETTY_NAME"])
        }
        facts.effectiveCapabilities = Privilege.effectiveCapabilities.map { "0x" + String($0, radix: 16) }
        // /proc/modules exists exactly when the kernel was built with CONFIG_MODULES.
        facts.hasModuleSupport = access("/proc/modules", F_OK) == 0

        facts.interfaces = interfaces.isEmpty ? nil
            : interfaces.map { InterfaceDriver.describe($0, in: interfaceNamespace) }
        let driverModules = (facts.interfaces ?? []).compactMap(\.module)
        var names = Self.linkKindModules
        for name in driverModules where !names.contains(name) { names.append(name) }

        guard let context = KmodContext(directory: moduleDirectory) else {
            facts.moduleDatabase = .init(directory: moduleDirectory, available: false, note: "kmod_new failed")
            facts.modules = names.map { HostFacts.Module(name: $0, state: .unknown, note: "kmod_new failed") }
            return facts
        }
        facts.modules = names.map(context.module)
        facts.moduleDatabase = .init(
            directory: context.directory, available: context.hasDatabase,
            note: context.hasDatabase ? nil : "kmod_load_resources: \(errnoName(-context.loadError)); "
                + "module states are unknown, link kinds are found by trying them",
            messages: context.messages.isEmpty ? nil : context.messages)
        return facts
    }

    /// Adds what the probe learned by trying: a kind it made exists in this kernel, whatever libkmod said.
    public static func annotate(_ facts: inout HostFacts, with probe: Report.ProbeRun) {
        for index in facts.modules.indices {
            let name = facts.modules[index].name
            let note: String?
            if probe.linkKind == name {
                note = "the probe made a \(name) link: the kernel has it"
            } else if let failed = probe.linkKindNotes[name] {
                note = "the probe could not make a \(name) link: \(failed)"
            } else {
                note = nil
            }
            guard let note else { continue }
            facts.modules[index].note = [facts.modules[index].note, note].compactMap { $0 }.joined(separator: "; ")
        }
    }
}
