import Capabilities
import Glibc
import Namespaces
import Netlink
import Policy
import SystemCalls
import SystemPackage

/// Executes plans over real namespaces, knows where the device is after every step, and brings it back
/// to the host under its original name and state when anything fails.
final class Mover {
    let knowledge: KernelKnowledge
    let host: RouteSocket
    /// Opened only when a step moves the device to the host (DEL, rollback): not on the common ADD path.
    private lazy var hostNamespace: Result<NetworkNamespace, Error> = Result { try NetworkNamespace.current() }
    let container: NetworkNamespace?
    private var containerSocketCache: RouteSocket?
    private var scratch: NetworkNamespace?
    private var scratchSocket: RouteSocket?
    let pause: StepPause
    /// Where the scratch namespace is bind-mounted while the device may be in it: an anonymous one would
    /// die with a killed plugin, and a dying namespace destroys the virtual devices inside (physical ones
    /// return to the initial namespace). DEL reopens it.
    let scratchPin: String?
    /// Where the device is and under which index (a move keeps the index unless it is taken).
    var location: NamespaceRole = .host
    var index: Int32
    let mac: MACAddress?
    /// The original name, as the alias record carries it: recognises the device when the container
    /// changed its MAC.
    var recordedName: String?
    /// The attachment looking for its device (DEL): a link whose alias record names another one is not it.
    var owner: String?
    /// The device as the last move's target reported it.
    var arrived: LinkMessage?
    /// The step a run stopped at with an error (recovery looks at what it was, not where it stood).
    var failedStep: Step?
    /// Why an altname could not be given back, by name (the errno of RTM_NEWLINKPROP).
    var altNameRefusals: [String: NetlinkError] = [:]

    init(knowledge: KernelKnowledge, host: RouteSocket, container: NetworkNamespace?, containerSocket: RouteSocket? = nil,
         index: Int32, mac: MACAddress?, pause: StepPause, scratchPin: String? = nil) {
        self.scratchPin = scratchPin
        self.knowledge = knowledge
        self.host = host
        self.containerSocketCache = containerSocket
        self.container = container
        self.index = index
        self.mac = mac
        self.pause = pause
    }

    func socket(_ role: NamespaceRole) throws -> RouteSocket {
        switch role {
        case .host: return host
        case .container:
            if let containerSocketCache { return containerSocketCache }
            guard let container else { throw CNIError(.generic, "the container namespace is gone") }
            let socket = try container.openRouteSocket()
            containerSocketCache = socket
            return socket
        case .scratch:
            if let scratchSocket { return scratchSocket }
            let ns = try scratch ?? scratchPin.flatMap { try? NetworkNamespace.open(path: $0) } ?? NetworkNamespace.makeScratch()
            if let scratchPin, access(scratchPin, F_OK) != 0 { try pin(ns, at: scratchPin) }
            scratch = ns
            let socket = try ns.openRouteSocket()
            scratchSocket = socket
            return socket
        }
    }

    func namespace(_ role: NamespaceRole) throws -> NetworkNamespace {
        switch role {
        case .host: return try hostNamespace.get()
        case .container:
            guard let container else { throw CNIError(.generic, "the container namespace is gone") }
            return container
        case .scratch:
            _ = try socket(.scratch)
            return scratch!
        }
    }

    /// The plan for `request`, with the scratch namespace it needs made first (ScratchFact): kept for its
    /// steps, pinned only when the first of them runs.
    func plan(_ request: PlanRequest) throws -> Plan {
        try ScratchFact.plan(request, have: scratch != nil || scratchSocket != nil, keep: { scratch = $0 })
    }

    /// Opens a scratch namespace left pinned by an earlier, killed run (so relocate looks there too).
    func reopenPinnedScratch() {
        guard let scratchPin, access(scratchPin, F_OK) == 0 else { return }
        _ = try? socket(.scratch)
    }

    func pin(_ ns: NetworkNamespace, at path: String) throws { try Self.pin(ns, at: path) }

    /// Bind-mounts the namespace at `path` (a file created for it), a reference that outlives every
    /// process in it. A plain MS_BIND like `ip netns add`: a copy propagated to a peer or slave mount
    /// namespace goes with the unmount too, which propagates the same way.
    static func pin(_ ns: NetworkNamespace, at path: String) throws {
        do {
            try FileDescriptor.open(path, .readOnly, options: .create, permissions: FilePermissions(rawValue: 0o600)).closeQuietly()
        } catch { throw CNIError(.ioFailure, "cannot create \(path): \(error.nameAndMessage)") }
        guard mount("/proc/self/fd/\(ns.fd)", path, nil, UInt(MS_BIND), nil) == 0 else {
            let error = Errno.current
            unlink(path)
            throw CNIError(.ioFailure, "cannot pin a network namespace at \(path): \(error.nameAndMessage)")
        }
    }

    /// Lets the scratch namespace go (it dies with our last descriptor, empty by then).
    func unpinScratch() {
        guard let scratchPin else { return }
        Self.unpin(scratchPin)
    }

    /// Drops a pin: the namespace dies with its last other reference. A path that is no mount (a pin of
    /// an earlier boot, or none) is just removed.
    static func unpin(_ path: String) {
        umount2(path, Int32(MNT_DETACH))
        unlink(path)
    }

    /// Runs the plan's steps in order; `label` names them for the pause hook ("add.1", "del.2", ...). An
    /// `interruptible` run (ADD) stops before a step once SIGTERM, SIGINT or SIGHUP has arrived, for the
    /// caller to roll back; restoring runs are never cut short.
    func run(_ plan: Plan, label: String, interruptible: Bool = false) throws {
        for (number, step) in plan.steps.enumerated() {
            let name = "\(label).\(number + 1)"
            pause.reached(name)
            if interruptible { try Interruption.check("before step \(name)") }
            do { try perform(step) } catch {
                failedStep = step
                throw error
            }
        }
    }

    func perform(_ step: Step) throws {
        let socket = try socket(step.runsIn)
        let change: LinkChange
        switch step.request {
        case .removeAltNames(let names): return try takeOff(names, socket)
        case .addAltNames(let names): return giveBack(names, socket)
        case .change(let linkChange): change = linkChange
        }
        let target = try change.moveTo.map { try namespace($0) }
        let request = LinkRequest.change(index: index, netnsFD: target?.fd, name: change.name, up: change.up,
                                         alias: change.alias, mtu: change.mtu, address: change.mac?.bytes)
        do {
            try socket.perform(request)
        } catch {
            if change.moveTo != nil { _ = try? relocate() }
            throw error
        }
        if let moveTo = change.moveTo {
            location = moveTo
            arrived = try relocate(preferring: moveTo)
        }
    }

    /// Finds the device again: by index (checked against the MAC) in every namespace we hold, and only
    /// then by MAC (a dump each), since a move keeps the index unless it is taken in the target.
    @discardableResult
    func relocate(preferring first: NamespaceRole? = nil) throws -> LinkMessage? {
        var roles: [NamespaceRole] = []
        for role in [first, location, .host, .container, .scratch].compactMap({ $0 }) where !roles.contains(role) {
            if role == .container && container == nil { continue }
            if role == .scratch && scratchSocket == nil { continue }
            roles.append(role)
        }
        for role in roles {
            if let link = try socket(role).link(index: index), isOurs(link) {
                location = role
                return link
            }
        }
        guard let mac else { return nil }
        for role in roles {
            if let link = try Inspect.link(mac: mac, socket(role)), !ownedByAnother(link) {
                location = role
                index = link.index
                return link
            }
        }
        return nil
    }

    func isOurs(_ link: LinkMessage) -> Bool {
        guard !ownedByAnother(link) else { return false }
        return mac == nil || link.mac == mac
            || (recordedName != nil && AliasRecord.decode(link.alias)?.name == recordedName)
    }

    func ownedByAnother(_ link: LinkMessage) -> Bool {
        owner.map { AliasRecord.belongsToAnother(link.alias, than: $0) } ?? false
    }

    /// Brings the device back to the host under its original name and state, from wherever it is. Returns
    /// what could not be given back: original altnames that do not name the device in the host afterwards
    /// (one the host gave another link meanwhile is never taken from it; the rest of the restore goes on).
    func restore(_ original: OriginalState, label: String, forced: Strategy? = nil, found: LinkMessage? = nil) throws -> [String] {
        guard let link = try found ?? relocate() else { throw CNIError(.generic, "the device (ifindex \(index)) was not found") }
        let facts = Inspect.facts(link)
        let running = original.managedBy == nil ? [] : HostManagers.running()
        if location == .host {
            try restoreInHost(facts, original, running: running)
            return try altNamesNotGivenBack(original)
        }
        let here = try Inspect.contents(socket(location), excluding: index)
        let hostContents = try Inspect.contents(host)
        var plan = try self.plan(PlanRequest(knowledge: knowledge, device: facts, direction: .out, wantedName: original.name,
                                             source: here, target: hostContents, original: original, forced: forced,
                                             runningManagers: running))
        if location == .scratch {
            // Already out of the container: the scratch strategy's steps after its move into the scratch
            // namespace, with what it would have taken off in the container taken off here.
            plan = try Planner.plan(PlanRequest(knowledge: knowledge, device: facts, direction: .out, wantedName: original.name,
                                                source: here, target: hostContents, original: original, forced: .scratchNamespace,
                                                runningManagers: running))
            plan.steps = Self.fromScratch(plan.steps)
        }
        try run(plan, label: label)
        return try altNamesNotGivenBack(original)
    }

    /// The steps of an outbound scratch plan that remain once the device is in the scratch namespace.
    static func fromScratch(_ steps: [Step]) -> [Step] {
        guard let arrival = steps.firstIndex(where: { $0.moveTo == .scratch }) else { return steps }
        let before = steps[..<arrival].filter { $0.altNamesTakenOff != nil }.map { step -> Step in
            var here = step
            here.runsIn = .scratch
            return here
        }
        return before + steps[(arrival + 1)...]
    }

    /// In the host already (a rollback that never left, or a device a dying namespace returned): name,
    /// state, MTU, MAC, alias, and its own altnames only (the original ones it lacks given back; any
    /// other taken off: a container's name must not stay on it in the host).
    /// A device its network manager had is left down for the manager to bring up (HostNetworkManager).
    func restoreInHost(_ facts: DeviceFacts, _ original: OriginalState, running: Set<HostNetworkManager>) throws {
        let renaming = facts.name != original.name
        if renaming && facts.up && !knowledge.holds(.renameWhileUp) {
            try host.perform(.change(index: index, up: false))
        }
        let foreign = facts.altNames.filter { !original.altNames.contains($0) }
        if !foreign.isEmpty { try takeOff(foreign, host) }
        let (bringUp, handedTo) = original.upOnReturn(running: running)
        try host.perform(.change(index: index, name: renaming ? original.name : nil, up: handedTo == nil ? bringUp : nil,
                                 alias: original.alias ?? "", mtu: facts.mtu == original.mtu ? nil : original.mtu,
                                 address: original.mac == facts.mac ? nil : original.mac?.bytes))
        let missing = original.altNames.filter { !facts.altNames.contains($0) }
        if !missing.isEmpty { giveBack(missing, host) }
    }

    // MARK: Altnames

    /// RTM_DELLINKPROP for each, in the namespace the device is in. One that is not there (ENOENT: a run
    /// killed after taking it off, or a name the kernel never registered here) is off already.
    func takeOff(_ names: [String], _ socket: RouteSocket) throws {
        for name in names {
            do {
                try socket.perform(.deleteAltName(index: index, name))
            } catch {
                guard error.errno == .noSuchFileOrDirectory else { throw error }
            }
        }
    }

    /// RTM_NEWLINKPROP for each, in the host. A refusal never stops the others nor the restore: it is kept
    /// for `altNamesNotGivenBack`, except EEXIST for a name the device has already (a run killed after it).
    func giveBack(_ names: [String], _ socket: RouteSocket) {
        for name in names {
            do {
                try socket.perform(.addAltName(index: index, name))
            } catch {
                if error.errno == .fileExists, (try? socket.link(altName: name))?.index == index { continue }
                altNameRefusals[name] = error
            }
        }
    }

    /// The original altnames that do not name the device in the host, by resolution (RTM_GETLINK with
    /// IFLA_ALT_IFNAME), each with why.
    func altNamesNotGivenBack(_ original: OriginalState) throws -> [String] {
        var problems: [String] = []
        for name in original.altNames {
            let holder = try host.link(altName: name)
            if holder?.index == index { continue }
            let why = holder.map { "the host gave it to \($0.name ?? "ifindex \($0.index)") meanwhile" }
                ?? altNameRefusals[name].map { "\($0)" } ?? "it names nothing in the host"
            problems.append("the altname \(name) of \(original.name) was not given back: \(why)")
        }
        return problems
    }
}

/// A documented test-only hook: with LINKCAPS_TEST_PAUSE_AT=<label>.<n> (for example add.1 or del.2) the
/// plugin writes "linkcaps-host-device: paused at add.1" to stderr before that step and waits: SIGUSR1
/// lets it go on (a test changes the world meanwhile), SIGTERM, SIGINT or SIGHUP lets it go on as
/// interrupted (ADD rolls back), SIGKILL ends it there. Never set it in production.
struct StepPause {
    let at: String?

    init(environment: [String: String]) { at = CNIEnvironment.variable("LINKCAPS_TEST_PAUSE_AT", in: environment) }

    func reached(_ step: String) {
        guard let at, at == step else { return }
        var blocked = Interruption.mask, previous = sigset_t()
        sigaddset(&blocked, SIGUSR1)
        // Blocked before announcing, so a SIGUSR1 sent right after the line is not lost.
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let line = "linkcaps-host-device: paused at \(step)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        var received: Int32 = 0
        sigwait(&blocked, &received)
        // SIGTERM, SIGINT or SIGHUP here is what a test sends to see the run stop at this step.
        if received != SIGUSR1 { Interruption.note(received) }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
}
