import ArgumentParser
import CapabilityCache
import Capabilities
import FleetOutput
import Glibc
import KernelFacts
import Probe
import SystemCalls
import SystemPackage

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run the experiments in two anonymous scratch namespaces and report what the kernel did.",
        discussion: """
            Nothing on the host is touched: every link is made inside anonymous network namespaces that \
            vanish with the process. Needs CAP_SYS_ADMIN and CAP_NET_ADMIN: run as root, or rootless \
            inside `unshare -Ur --net`. The answer is kept per boot under /run/linkcaps (or \
            $LINKCAPS_CACHE_DIR) and reused while it is conclusive; the report then says `source: cache`. \
            A default probe leaves no warning in the kernel log: experiments that would print one answer \
            `skipped` unless asked for (--experiment, --all). When the kernel has none of the throwaway \
            link kinds, it lets the kernel load veth (a module that creates no device) and lists it in \
            probe.modulesLoaded.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, nfd }

    @Flag(name: .long, help: "Print the report as JSON (the versioned format other tools consume); same as --format json.")
    var json = false

    @Option(name: .long, help: "Output: table, json, or nfd (a Node Feature Discovery local feature file).")
    var format: Format = .table

    @Option(name: .customLong("features-dir"),
            help: "With --format nfd: write the feature file into this directory (as a dotfile, then renamed) instead of printing it; e.g. /etc/kubernetes/node-feature-discovery/features.d.")
    var featuresDir: String?

    @Option(name: .customLong("expires-after"),
            help: "With --format nfd: let NFD drop the labels after this long (90m, 6h, 2d; plain seconds) unless the file is rewritten; written as `# +expiry-time=<RFC3339>`.")
    var expiresAfter: String?

    @Flag(name: .long, help: "Probe again and rewrite the cache.")
    var refresh = false

    @Flag(name: .customLong("no-cache"), help: "Probe without reading or writing the cache.")
    var noCache = false

    @Option(name: .customLong("cache-dir"), help: "Cache directory (default $LINKCAPS_CACHE_DIR, else /run/linkcaps).")
    var cacheDir: String?

    @Flag(name: .customLong("load-modules"),
          help: "Let the probe load a link kind's kernel module (e.g. dummy) through libkmod. A host-wide change.")
    var loadModules = false

    @Option(name: .customLong("experiment"),
            help: ArgumentHelp("Also run this experiment, which a default probe leaves out because it leaves a trace (repeatable): \(ProbeCommand.askedOnlyHelp).",
                               valueName: "id"))
    var experiments: [String] = []

    @Flag(name: .long, help: "Run every experiment, those of --experiment included (what scripts/observe records).")
    var all = false

    @Option(name: .customLong("interface"), help: "Describe the driver behind this host interface (repeatable).")
    var interfaces: [String] = []

    static var askedOnlyHelp: String {
        Prober.onlyWhenAsked.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) (\($0.value))" }.joined(separator: ", ")
    }

    /// The experiments asked for by --experiment and --all.
    var asked: Set<CapabilityID> {
        all ? Set(Prober.onlyWhenAsked.keys) : Set(experiments.compactMap(CapabilityID.init(rawValue:)))
    }

    func validate() throws {
        for name in experiments where CapabilityID(rawValue: name).map({ Prober.onlyWhenAsked[$0] == nil }) ?? true {
            throw ValidationError("--experiment \(name): want one of the experiments a default probe leaves out: \(Self.askedOnlyHelp); the others always run")
        }
        if let expiresAfter {
            guard !json, format == .nfd else { throw ValidationError("--expires-after needs --format nfd") }
            guard NFDExpiry.seconds(expiresAfter) != nil else {
                throw ValidationError("--expires-after \(expiresAfter): want a duration such as 90m, 6h or 2d (at most a year)")
            }
        }
    }

    func run() throws {
        var report: Report
        do {
            report = try answer()
        } catch let error as ProbeError {
            printError("linkcaps: \(error)")
            throw ExitCode(error.isAboutTheHost ? 2 : 1)
        }
        if report.facts == nil { report.facts = facts(for: report) }
        if !interfaces.isEmpty {
            report.facts?.interfaces = HostFactsGatherer(interfaces: interfaces).gather().interfaces
        }
        switch json ? .json : format {
        case .json:
            print(try report.jsonString())
        case .nfd:
            let text = NFDFeatureFile.render(report, expiry: expiresAfter.flatMap(NFDExpiry.seconds).map(NFDExpiry.directive(after:)))
            if let featuresDir { try FeatureFileWriter.write(text, directory: featuresDir) } else { print(text, terminator: "") }
        case .table:
            print(ProbeTable.render(report), terminator: "")
            print(FactsTable.render(report.facts), terminator: "")
        }
    }

    /// From the cache unless told otherwise; a cache that cannot be used (directory not ours, read-only)
    /// costs a warning and a direct probe, never the answer. When the probe cannot run either (no
    /// privilege), that is the one line said: the cache's trouble is moot then.
    func answer() throws -> Report {
        var options = ProbeOptions(asked: asked)
        if loadModules { options.loadModule = ModuleLoader.load }
        let cache = CapabilityCache(directory: cacheDir, options: options, probe: probeWithFacts)
        let policy: CapabilityCache.Policy = noCache ? .bypass : refresh ? .refresh : .useCache
        do {
            let (report, uncached) = try cache.reportEvenWithoutCache(policy: policy)
            if let uncached { printError("linkcaps: \(uncached); probed without the cache") }
            return report
        } catch .probe(let error) {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func probeWithFacts(_ options: ProbeOptions) throws -> Report {
        var report = try Prober.run(options)
        report.facts = facts(for: report)
        return report
    }

    func facts(for report: Report) -> HostFacts {
        var facts = HostFactsGatherer().gather()
        HostFactsGatherer.annotate(&facts, with: report.probe)
        return facts
    }
}

func printError(_ text: String) {
    try? FileDescriptor.standardError.write(all: text.hasSuffix("\n") ? text : text + "\n")
}
