import Capabilities
import Netlink
@testable import Probe
import SystemCalls
import SystemPackage
import Testing

@Suite("Errno classification")
struct ClassificationTests {
    let evidence = Evidence(request: "RTM_NEWLINK ifindex=3")

    @Test(arguments: [Errno.notPermitted, Errno.permissionDenied])
    func permissionIsNeverUnsupported(errno: Errno) {
        let refusal = NetlinkError(errno: errno, operation: "RTM_NEWLINK")
        let conclusion = Conclusion.refused(refusal, evidence, unsupportedOn: [errno, .resourceBusy], meaning: "x")
        #expect(conclusion.state == .inconclusive)
        #expect(conclusion.summary.contains("CAP_NET_ADMIN"))
    }

    @Test func expectedRefusalIsUnsupportedWithItsReason() {
        let refusal = NetlinkError(errno: .resourceBusy, extack: "device busy", operation: "RTM_NEWLINK")
        let conclusion = Conclusion.refused(refusal, evidence, unsupportedOn: [.resourceBusy], meaning: "renaming refused")
        #expect(conclusion.state == .unsupported)
        #expect(conclusion.summary == "renaming refused: EBUSY (device busy)")
    }

    @Test func unexpectedErrnoIsInconclusiveAndNamed() {
        let refusal = NetlinkError(errno: .noSpace, operation: "RTM_NEWLINK")
        let conclusion = Conclusion.refused(refusal, evidence, unsupportedOn: [.resourceBusy], meaning: "x")
        #expect(conclusion.state == .inconclusive)
        #expect(conclusion.summary.contains("ENOSPC"))
    }

    @Test func onlySupportedAndUnsupportedAreConclusive() {
        #expect(CapabilityState.allCases.filter(\.isConclusive) == [.supported, .unsupported])
    }

    @Test func everyCapabilityHasOneExperiment() {
        #expect(Prober.experiments.map(\.id) == CapabilityID.allCases)
    }
}
