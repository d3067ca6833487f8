import Capabilities
import Netlink

extension Experiment {
    /// 4754affe0b57 (v6.15) made rtnl_fill_ifinfo report dev->netns_immutable as IFLA_NETNS_IMMUTABLE. The
    /// scratch namespace's own `lo` is such a device on every kernel (loopback sets it), so no module or
    /// extra link is needed; its move is tried too, for the evidence (EINVAL in __dev_change_net_namespace).
    static let moveNetnsImmutableReported = Experiment(
        id: .moveNetnsImmutableReported,
        meaning: "the kernel says up front (IFLA_NETNS_IMMUTABLE) which devices can never change namespace",
        metadata: CapabilityMetadata(upstreamCommit: "4754affe0b57", firstRelease: "v6.15")
    ) { lab in
        guard let lo = try lab.requests(.source).link(named: "lo") else {
            return Conclusion(.inconclusive, "the scratch namespace has no lo")
        }
        let reading = lo.netnsImmutable.map { $0 ? "1" : "0" } ?? "absent"
        let request = LinkRequest.change(index: lo.index, netnsFD: lab.target.fd)
        let error = lab.attempt(request)
        let stayed = try lab.requests(.source).link(index: lo.index) != nil
        let evidence = Evidence(request: request.description, errno: error?.errno.rawValue ?? 0,
                                errnoName: error?.errno.name, extack: error?.extack,
                                outcome: "moving lo: \(error.map(\.errno.name) ?? "accepted"); lo \(stayed ? "stayed in the source" : "left the source")",
                                attributes: ["IFLA_NETNS_IMMUTABLE": reading])
        guard error != nil, stayed else {
            return Conclusion(.inconclusive, "the kernel let lo change namespace", evidence)
        }
        switch lo.netnsImmutable {
        case true?:
            return Conclusion(.supported, "RTM_GETLINK of lo carries IFLA_NETNS_IMMUTABLE=1 (moving it: \(error!.errno.name))", evidence)
        case false?:
            return Conclusion(.inconclusive, "the kernel reports lo as movable (IFLA_NETNS_IMMUTABLE=0), yet refused its move", evidence)
        case nil:
            return Conclusion(.unsupported, "RTM_GETLINK of lo carries no IFLA_NETNS_IMMUTABLE; a move is refused only when tried (\(error!.errno.name))", evidence)
        }
    }
}
