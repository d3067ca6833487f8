import Capabilities
import Netlink
@testable import Probe
import SystemCalls
import SystemPackage
import Testing

/// The verdict of name checks, from kernel answers written down: what 6.6+ (8e15aee62161, 7663d522099e) and what
/// 5.10 say (Debian 5.10.218 and 5.10.251 observed; docs/experiments.md, altname.followsMove).
@Suite("Name checks by resolution")
struct NameCheckTests {
    static func lookup(_ side: NameLookup.Namespace, _ errno: Errno?, ifindex: Int32? = nil, resolved: String? = nil,
                       expect: NameCheck.Expectation, action: NameLookup.Action = .lookup) -> NameCheck {
        NameCheck(lookup: NameLookup(namespace: side, action: action, name: ProbeNames.altName, errno: errno?.rawValue ?? 0,
                                     errnoName: errno?.name, ifindex: ifindex),
                  resolvedName: resolved, expectation: expect)
    }

    @Test func theAltnameMovedOnANewKernel() {
        let checks = [
            Self.lookup(.source, .operationNotSupportedByDevice, expect: .resolvesNowhere),
            Self.lookup(.target, nil, ifindex: 3, resolved: "lcf0", expect: .resolvesTo(index: 3, name: "lcf0")),
            Self.lookup(.source, nil, ifindex: 5, resolved: "lcq0", expect: .accepted, action: .reuse),
        ]
        let conclusion = Conclusion.judged(checks, Evidence(), supported: "moved")
        #expect(conclusion.state == .supported)
        #expect(conclusion.evidence.lookups?.count == 3)
        #expect(conclusion.evidence.lookups?.first?.errnoName == "ENODEV")
    }

    /// Debian 5.10: the source still resolves the name (to the moved link), refuses it to others, and the
    /// target cannot resolve it — although the link lists it.
    @Test func theAltnameStayedBehindOn510() {
        let checks = [
            Self.lookup(.source, nil, ifindex: 3, resolved: "lcf0", expect: .resolvesNowhere),
            Self.lookup(.target, .operationNotSupportedByDevice, expect: .resolvesTo(index: 3, name: "lcf0")),
            Self.lookup(.source, .fileExists, expect: .accepted, action: .reuse),
        ]
        let conclusion = Conclusion.judged(checks, Evidence(), supported: "moved")
        #expect(conclusion.state == .unsupported)
        #expect(conclusion.summary == "in the source lc-probe-altname0 resolves to lcf0 (ifindex 3); "
            + "in the target lc-probe-altname0 does not resolve (ENODEV); "
            + "in the source lc-probe-altname0 cannot be given to another link (EEXIST)")
    }

    @Test func sameIndexOtherLinkIsNotTheLink() {
        let check = Self.lookup(.target, nil, ifindex: 3, resolved: "lcp0", expect: .resolvesTo(index: 3, name: "lcq0"))
        #expect(check.holds == false)
    }

    @Test(arguments: [Errno.notPermitted, Errno.permissionDenied, Errno.noSpace])
    func unexpectedOrPermissionAnswersAreInconclusive(errno: Errno) {
        let checks = [Self.lookup(.source, .operationNotSupportedByDevice, expect: .resolvesNowhere),
                      Self.lookup(.source, errno, expect: .accepted, action: .reuse)]
        let conclusion = Conclusion.judged(checks, Evidence(), supported: "moved")
        #expect(conclusion.state == .inconclusive)
        #expect(conclusion.summary.contains(errno.isPermission ? "CAP_NET_ADMIN" : errno.name))
    }
}
