import Capabilities
import Glibc
import Namespaces
import Netlink
import SystemCalls
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct ProbeOptions {
    /// Which experiments to run (nil: all). The cache re-runs only the inconclusive ones.
    public var only: Set<CapabilityID>?
    /// The experiments that run only when asked (`Prober.onlyWhenAsked`) and are asked for; the others of
    /// that kind answer `skipped` with their reason.
    public var asked: Set<CapabilityID>
    public var linkKinds: [String]
    /// Asked, with a module name, to load the module behind a link kind the kernel lacks, without creating
    /// devices; returns a note. nil (the default) never loads anything: loading is a host-wide side effect,
    /// and a kind whose module is absent is then skipped rather than tried (trying would load it).
    public var loadModule: ((String) -> String?)?
    /// Where the probe reads which modules the kernel has (see ModuleFiles).
    public var moduleFiles: ModuleFiles

    public init(only: Set<CapabilityID>? = nil, asked: Set<CapabilityID> = [],
                linkKinds: [String] = LinkKindChoice.candidates,
                loadModule: ((String) -> String?)? = nil, moduleFiles: ModuleFiles = .fromEnvironment()) {
        self.only = only
        self.asked = asked
        self.linkKinds = linkKinds
        self.loadModule = loadModule
        self.moduleFiles = moduleFiles
    }
}

/// Runs the experiments, each on a fresh lab, and assembles the report.
public enum Prober {
    static let experiments: [Experiment] = [
        .moveSingleRequest, .moveSourceSeesOnlyOriginalName, .moveTargetSeesFinalNameFirst,
        .moveInFlightRenameOnClash, .moveAtomicOnNameTaken, .moveUpInSameRequest, .renameWhileUp,
        .altnameFollowsMove, .altnameClashRejected, .moveNewIfindex, .moveSourceSeesOnlyOriginalNameOnClash,
        .moveNetnsImmutableReported, .moveMtuMacInSameRequest,
    ]

    /// What each capability means for a plugin, for renderers.
    public static func meaning(of id: CapabilityID) -> String {
        experiments.first { $0.id == id }?.meaning ?? id.rawValue
    }

    /// The experiments a default probe does not run, each with the reason (`linkcaps probe --experiment ID`).
    public static var onlyWhenAsked: [CapabilityID: String] {
        Dictionary(uniqueKeysWithValues: experiments.compactMap { e in e.onlyWhenAsked.map { (e.id, $0) } })
    }

    /// The answer for an experiment that was not asked for: the report still names every capability, and
    /// `skipped` never reads as an answer about the kernel.
    static func notAsked(_ experiment: Experiment, reason: String) -> CapabilityResult {
        CapabilityResult(state: .skipped,
                         summary: "not asked: \(reason) (linkcaps probe --experiment \(experiment.id.rawValue))",
                         evidence: Evidence(outcome: "not run"), metadata: experiment.metadata)
    }

    public static func metadata(of id: CapabilityID) -> CapabilityMetadata {
        experiments.first { $0.id == id }?.metadata ?? CapabilityMetadata()
    }

    /// Runs the probe on the namespace thread. Throws only ProbeError: a refusal for lack of privilege is
    /// `notPermitted` wherever it happened, never an answer about the kernel.
    public static func run(_ options: ProbeOptions = ProbeOptions()) throws(ProbeError) -> Report {
        do {
            return try NetworkNamespace.onDedicatedThread { try probe(options) }
        } catch let error as ProbeError {
            throw error
        } catch let error as NamespaceError where error.errno?.isPermission == true {
            throw .notPermitted(error.description)
        } catch let error as NetlinkError where error.errno.isPermission {
            throw .notPermitted(error.description)
        } catch {
            throw .setUpFailed("\(error)")
        }
    }

    static func probe(_ options: ProbeOptions) throws -> Report {
        let started = Clock.now
        let startedAt = Date().formatted(.iso8601)
        let identity = SystemIdentity.current()
        let pause = PauseHook.fromEnvironment()
        let choice = try LinkKindChoice.choose(candidates: options.linkKinds, files: options.moduleFiles,
                                               loadModule: options.loadModule)
        guard let kind = choice.kind else { throw ProbeError.noLinkKind(choice.notes) }
        var results: [String: CapabilityResult] = [:]
        var asked: [String] = []
        for experiment in experiments where options.only?.contains(experiment.id) ?? true {
            if let reason = experiment.onlyWhenAsked {
                guard options.asked.contains(experiment.id) else {
                    results[experiment.id.rawValue] = notAsked(experiment, reason: reason)
                    continue
                }
                asked.append(experiment.id.rawValue)
            }
            results[experiment.id.rawValue] = conduct(experiment, kind: kind, pause: pause)
        }
        return Report(
            tool: .init(name: "linkcaps", version: ToolVersion.current),
            kernel: .init(release: identity.release, version: identity.version),
            bootId: identity.bootID,
            probe: .init(id: UUID().uuidString.lowercased(), startedAt: startedAt,
                         durationMs: Clock.milliseconds(since: started), linkKind: kind,
                         linkKindNotes: choice.notes, privileged: Privilege.isPrivileged,
                         modulesLoaded: options.loadModule == nil && choice.loaded.isEmpty ? nil : choice.loaded.sorted(),
                         experimentsAsked: asked.isEmpty ? nil : asked),
            capabilities: results)
    }

    static func conduct(_ experiment: Experiment, kind: String, pause: PauseHook) -> CapabilityResult {
        let started = Clock.now
        var conclusion: Conclusion
        do {
            let lab = try Lab(kind: kind, pause: pause)
            conclusion = try experiment.run(lab)
        } catch let error as NetlinkError {
            let evidence = Evidence(errno: error.errno.rawValue, errnoName: error.errno.name, extack: error.extack,
                                    outcome: "set-up failed: \(error)")
            conclusion = error.errno.isPermission
                ? .notPermitted(error.errno, evidence) : Conclusion(.inconclusive, "set-up failed: \(error)", evidence)
        } catch {
            conclusion = Conclusion(.inconclusive, "set-up failed: \(error)", Evidence(outcome: "\(error)"))
        }
        conclusion.evidence.durationMs = Clock.milliseconds(since: started)
        return CapabilityResult(state: conclusion.state, summary: conclusion.summary, evidence: conclusion.evidence,
                                metadata: experiment.metadata)
    }
}

/// Monotonic time for durations.
enum Clock {
    static var now: UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func milliseconds(since start: UInt64) -> Double {
        (Double(now - start) / 1_000_00).rounded() / 10
    }
}
