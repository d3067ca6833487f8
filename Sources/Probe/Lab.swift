import Capabilities
import Glibc
import Namespaces
import Netlink

/// One experiment's bench: two fresh anonymous namespaces (source and target), a request socket and an
/// event socket in each. Everything made here dies with the namespaces when the lab is dropped.
final class Lab {
    typealias Side = NameLookup.Namespace

    let source: NetworkNamespace
    let target: NetworkNamespace
    let sourceRequests: RouteSocket
    let targetRequests: RouteSocket
    private let sourceEvents: RouteSocket
    private let targetEvents: RouteSocket
    let kind: String
    private let pause: PauseHook

    init(kind: String, pause: PauseHook) throws {
        self.kind = kind
        self.pause = pause
        let (source, sourceSockets) = try NetworkNamespace.makeScratch(sockets: 2)
        let (target, targetSockets) = try NetworkNamespace.makeScratch(sockets: 2)
        (self.source, self.target) = (source, target)
        (sourceRequests, sourceEvents) = (sourceSockets[0], sourceSockets[1])
        (targetRequests, targetEvents) = (targetSockets[0], targetSockets[1])
        try sourceEvents.subscribeToLinkEvents()
        try targetEvents.subscribeToLinkEvents()
        pause.reached("namespaces")
    }

    func requests(_ side: Side) -> RouteSocket { side == .source ? sourceRequests : targetRequests }

    /// Makes a throwaway link of the lab's kind (a veth brings its peer, named `name` + "p").
    @discardableResult
    func makeLink(_ name: String, in side: Side = .source, up: Bool = false) throws -> LinkMessage {
        let socket = requests(side)
        try socket.perform(.create(name: name, kind: kind, peerName: kind == "veth" ? ProbeNames.peer(of: name) : nil, up: up))
        guard let link = try socket.link(named: name) else {
            throw NetlinkError(errno: .operationNotSupportedByDevice, extack: "link \(name) vanished after creation", operation: "RTM_GETLINK")
        }
        pause.reached("link")
        return link
    }

    /// Forgets the events of the set-up so that only the experiment's own are recorded. The kernel queues
    /// notifications before it acknowledges a request, so what is queued now is all there is.
    func startRecording() throws {
        _ = try sourceEvents.events(timeoutMilliseconds: 0)
        _ = try targetEvents.events(timeoutMilliseconds: 0)
    }

    /// The events each namespace saw since `startRecording`, restricted to the link under test: in the
    /// source by its index; in the target, anything that is not one of the links that were already there.
    func recorded(sourceIndex: Int32, preexistingInTarget: Set<Int32>) throws -> (source: [ObservedEvent], target: [ObservedEvent]) {
        let sourceSeen = try sourceEvents.events(timeoutMilliseconds: 0).filter { $0.index == sourceIndex }
        let targetSeen = try targetEvents.events(timeoutMilliseconds: 0).filter {
            !preexistingInTarget.contains($0.index) && $0.name != "lo"
        }
        return (sourceSeen.map(ObservedEvent.init), targetSeen.map(ObservedEvent.init))
    }

    func indices(_ side: Side) throws -> Set<Int32> {
        Set(try requests(side).links().map(\.index))
    }

    /// Sends a request and returns the kernel's answer without throwing: nil on success.
    func attempt(_ request: LinkRequest, in side: Side = .source) -> NetlinkError? {
        defer { pause.reached("request") }
        do {
            try requests(side).perform(request)
            return nil
        } catch {
            return error
        }
    }
}

extension ObservedEvent {
    init(_ message: LinkMessage) {
        self.init(event: message.kind == .new ? .newLink : .delLink, name: message.name, ifindex: message.index, up: message.isUp,
                  newNetnsId: message.newNetnsID, newIfindex: message.newIfindex)
    }
}
