import Capabilities
import Namespaces
import Netlink
import Policy

/// What `linkcaps plan` shows: the plan the plugin would follow for a real device and namespace, read
/// from the kernel but not carried out (where no scratch namespace can be made, the plan without one).
public enum PlanPreview {
    /// In: `device` is a host link, `name` the name wanted in `netns`. Out: `device` is the link in
    /// `netns`; its alias record (or `name`) gives the original name and state to restore in the host.
    public static func plan(device: String, netns: String, name: String?, out: Bool, forced: Strategy?) throws -> Plan {
        // Without a report, the plan the plugin would follow then, marked (Plan.knowledge) with why.
        let knowledge = ReportSource.knowledge()
        let host = try RouteSocket()
        let container = try NetworkNamespace.open(path: netns).openRouteSocket()
        let (sourceSocket, targetSocket) = out ? (container, host) : (host, container)
        guard let link = try Inspect.link(named: device, sourceSocket) else {
            throw CNIError(.invalidConfig, "no link \(device) in the \(out ? "namespace \(netns)" : "host")")
        }
        var facts = Inspect.facts(link)
        if !out { facts.managedBy = HostManagers(environment: [:]).managing(index: facts.index) }
        var original: OriginalState?
        if out {
            original = AliasRecord.decode(facts.alias)
                ?? OriginalState(name: name ?? facts.name, up: true, mtu: facts.mtu, mac: facts.mac)
            if let name { original?.name = name }
        }
        // A scratch namespace the plan would need is made and dropped, so the preview knows what ADD would.
        return try ScratchFact.plan(PlanRequest(
            knowledge: knowledge, device: facts, direction: out ? .out : .into, wantedName: out ? (original?.name ?? "") : (name ?? device),
            source: try Inspect.contents(sourceSocket, excluding: facts.index), target: try Inspect.contents(targetSocket),
            original: original, forced: forced, runningManagers: original?.managedBy == nil ? [] : HostManagers.running()),
            have: false, keep: { _ in })
    }
}
