import Capabilities
import Namespaces
@testable import Probe
import Testing
import TestSupport

/// Every experiment for real, each on a fresh lab, and its conclusion checked against what iproute2 sees
/// in the lab's namespaces afterwards — never against a version table.
@Suite("Experiments on this kernel (root)", .serialized, .enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
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
        #expect(conclusion.evidence.source?.last?.event == .delLink)
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

    /// By resolution, as iproute2 does it (`ip link show dev ALTNAME` in each namespace): supported exactly
    /// when the target resolves the altname to the moved link and the source resolves it, if at all, only to
    /// the new link that was given it (the probe's reuse check).
    @Test func altnameFollowsMove() throws {
        let (conclusion, lab) = try conduct(.altnameFollowsMove)
        let inTarget = try Witness.resolve(N.altName, in: lab.target)
        let inSource = try Witness.resolve(N.altName, in: lab.source)
        let moved = inTarget?.name == N.final && (inSource == nil || inSource?.name == N.bystander)
        #expect((conclusion.state == .supported) == moved, "target: \(String(describing: inTarget)), source: \(String(describing: inSource))")
        let lookups = try #require(conclusion.evidence.lookups)
        #expect(lookups.map(\.namespace) == [.source, .target, .source])
        #expect(lookups.map(\.action) == [.lookup, .lookup, .reuse])
        #expect(lookups.allSatisfy { $0.name == N.altName })
        if let inTarget { #expect(lookups[1].ifindex == Int32(inTarget.index) && lookups[1].errno == 0) }
        if conclusion.state == .supported {
            #expect(lookups[0].errnoName == "ENODEV" && lookups[0].ifindex == nil)
            #expect(lookups[2].errno == 0 && lookups[2].ifindex == inSource.map { Int32($0.index) })
        }
    }

    @Test func altnameClashRejected() throws {
        let (conclusion, lab) = try conduct(.altnameClashRejected)
        let stayed = try Witness.link(N.original, in: lab.source)
        let moved = try Witness.links(in: lab.target).contains { $0.name == N.final || $0.name == N.original }
        let inSource = try Witness.resolve(N.altName, in: lab.source)
        let inTarget = try Witness.resolve(N.altName, in: lab.target)
        let clean = stayed != nil && !moved && inSource?.name == N.original && inTarget?.name == N.bystander
        #expect((conclusion.state == .supported) == clean)
        let lookups = try #require(conclusion.evidence.lookups)
        #expect(lookups.map(\.namespace) == [.source, .target])
        #expect(lookups[0].ifindex == inSource.map { Int32($0.index) })
        #expect(lookups[1].ifindex == inTarget.map { Int32($0.index) })
    }

    /// The in-flight path: the target holds lcp0, so the link arrives as lcf0 beside it.
    @Test func sourceSeesOnlyTheOriginalNameOnClash() throws {
        let (conclusion, lab) = try conduct(.moveSourceSeesOnlyOriginalNameOnClash)
        let names = Set(try Witness.links(in: lab.target).map(\.name))
        #expect(names.isSuperset(of: [N.original, N.final]), "the in-flight path was taken: \(names)")
        #expect(try Witness.link(N.original, in: lab.source) == nil)
        let seen = Set((conclusion.evidence.source ?? []).compactMap(\.name))
        #expect((conclusion.state == .supported) == (seen == [N.original]))
        #expect(conclusion.evidence.source?.last?.event == .delLink)
    }

    /// The attribute as a raw rtnetlink reader in Python sees it, and the move of lo as iproute2 tries it.
    @Test func netnsImmutableReported() throws {
        let (conclusion, lab) = try conduct(.moveNetnsImmutableReported)
        let reading = try Witness.netnsImmutableOfLoopback(in: lab.source)
        #expect(conclusion.evidence.attributes == ["IFLA_NETNS_IMMUTABLE": reading])
        #expect((conclusion.state == .supported) == (reading == "1"))
        #expect(conclusion.evidence.errnoName == "EINVAL")
        let move = try Witness.ip(["link", "set", "dev", "lo", "netns", Witness.path(lab.target)], in: lab.source)
        // EINVAL: "Invalid argument", or since 12b6f7069ba5 (v6.15) the extack text.
        #expect(move.status != 0 && (move.stderr.contains("Invalid argument") || move.stderr.contains("netns is immutable")),
                "ip: \(move.stderr)")
        #expect(try Witness.link("lo", in: lab.source) != nil)
    }

    @Test func mtuMacInSameRequest() throws {
        let (conclusion, lab) = try conduct(.moveMtuMacInSameRequest)
        let arrived = try #require(try Witness.link(N.final, in: lab.target))
        let mac = N.mac.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined(separator: ":")
        #expect((conclusion.state == .supported) == (arrived.mtu == Int(N.mtu) && arrived.address == mac))
        #expect(conclusion.evidence.request?.contains("IFLA_MTU=\(N.mtu) IFLA_ADDRESS=\(mac)") == true)
    }

    @Test func newIfindexHonoured() throws {
        let (conclusion, lab) = try conduct(.moveNewIfindex)
        let arrived = try #require(try Witness.link(N.final, in: lab.target))
        #expect((conclusion.state == .supported) == (arrived.index == Int(N.newIfindex)))
    }
}
