import TestSupport
import Capabilities
import Namespaces
@testable import Probe
import Testing

/// Every experiment for real, each on a fresh lab, and its conclusion checked against what iproute2 sees
/// in the lab's namespaces afterwards — never against a version table.
@Suite("Experiments on this kernel (root)", .serialized, .enabled(if: TestEnvironment.isRoot, TestEnvironment.rootReason))
struct PrivilegedExperimentTests {
    static let kind: String = (try? LinkKindChoice.choose(loadModule: nil).kind ?? "veth") ?? "veth"
    typealias N = ProbeNames

    func conduct(_ experiment: Experiment) throws -> (Conclusion, Lab) {
        let lab = try Lab(kind: Self.kind, pause: PauseHook(step: nil))
        let conclusion = try experiment.run(lab)
        #expect(conclusion.state.isConclusive, "\(experiment.id.rawValue): \(conclusion.summary)")
        return (conclusion, lab)
    }

    @Test func singleRequestMovesAndRenames() throws {
        let (conclusion, lab) = try conduct(.moveSingleRequest)
        let arrived = try Witness.link(N.final, in: lab.target)
        let left = try Witness.link(N.original, in: lab.source)
        #expect((conclusion.state == .supported) == (arrived != nil && left == nil))
        #expect(conclusion.evidence.request?.contains("IFLA_NET_NS_FD IFLA_IFNAME=\(N.final)") == true)
    }

    @Test func sourceSeesOnlyTheOriginalName() throws {
        let (conclusion, lab) = try conduct(.moveSourceSeesOnlyOriginalName)
        #expect(try Witness.link(N.original, in: lab.source) == nil)
        let names = Set((conclusion.evidence.source ?? []).compactMap(\.name))
        #expect((conclusion.state == .supported) == (names == [N.original]))
        #expect(conclusion.evidence.source?.last?.event == "DELLINK")
    }

    @Test func targetsFirstName() throws {
        let (conclusion, lab) = try conduct(.moveTargetSeesFinalNameFirst)
        #expect(try Witness.link(N.final, in: lab.target) != nil)
        let first = conclusion.evidence.target?.first?.name
        #expect((conclusion.state == .supported) == (first == N.final))
        #expect(conclusion.evidence.target?.last?.name == N.final)
    }

    @Test func inFlightRenameOnClash() throws {
        let (conclusion, lab) = try conduct(.moveInFlightRenameOnClash)
        let names = Set(try Witness.links(in: lab.target).map(\.name))
        #expect(names.isSuperset(of: [N.original, N.final]))
        let seen = Set((conclusion.evidence.target ?? []).compactMap(\.name))
        #expect((conclusion.state == .supported) == (seen == [N.final]))
    }

    @Test func atomicOnNameTaken() throws {
        let (conclusion, lab) = try conduct(.moveAtomicOnNameTaken)
        let stayed = try Witness.link(N.original, in: lab.source)
        let movedUnrenamed = try Witness.link(N.original, in: lab.target)
        #expect(conclusion.evidence.errnoName == "EEXIST")
        #expect((conclusion.state == .supported) == (stayed != nil && movedUnrenamed == nil))
        #expect((conclusion.state == .unsupported) == (movedUnrenamed != nil))
        if conclusion.state == .unsupported { #expect(conclusion.evidence.outcome?.contains("in target as \(N.original)") == true) }
    }

    @Test func upInSameRequest() throws {
        let (conclusion, lab) = try conduct(.moveUpInSameRequest)
        let arrived = try #require(try Witness.link(N.final, in: lab.target))
        #expect((conclusion.state == .supported) == arrived.up)
    }

    @Test func renameWhileUp() throws {
        let (conclusion, lab) = try conduct(.renameWhileUp)
        let renamed = try Witness.link(N.final, in: lab.source)
        #expect((conclusion.state == .supported) == (renamed?.up == true))
        if conclusion.state == .unsupported { #expect(conclusion.evidence.errnoName == "EBUSY") }
    }

    @Test func altnameFollowsMove() throws {
        let (conclusion, lab) = try conduct(.altnameFollowsMove)
        let arrived = try #require(try Witness.link(N.final, in: lab.target))
        #expect((conclusion.state == .supported) == arrived.altNames.contains(N.altName))
    }

    @Test func altnameClashRejected() throws {
        let (conclusion, lab) = try conduct(.altnameClashRejected)
        let stayed = try Witness.link(N.original, in: lab.source)
        let moved = try Witness.links(in: lab.target).contains { $0.name == N.final || $0.name == N.original }
        #expect((conclusion.state == .supported) == (stayed != nil && !moved))
    }

    @Test func newIfindexHonoured() throws {
        let (conclusion, lab) = try conduct(.moveNewIfindex)
        let arrived = try #require(try Witness.link(N.final, in: lab.target))
        #expect((conclusion.state == .supported) == (arrived.index == Int(N.newIfindex)))
    }
}
