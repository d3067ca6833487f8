import Namespaces
import Netlink

/// The throwaway link kind: the first of the candidates this kernel has and can make, why the others were
/// passed over, and which modules were loaded to get there.
public struct LinkKindChoice: Equatable, Sendable {
    public static let candidates = ["dummy", "veth", "ifb"]

    public var kind: String?
    public var notes: [String: String]
    /// Modules loaded on the way (only ever with a loader, i.e. `--load-modules`).
    public var loaded: [String] = []

    /// Tries the candidates in a scratch namespace, but only those whose module the kernel already has (or
    /// when it cannot load modules at all): asking for a kind it lacks makes the kernel run modprobe itself,
    /// and a freshly loaded dummy makes dummy0 in the host. A kind that would load a module is skipped,
    /// unless `loadModule` is given: then it is asked to load the module (without creating devices) first.
    /// Creating is still the final test: a module can be present and its kind still refused.
    static func choose(candidates: [String] = candidates, files: ModuleFiles = .fromEnvironment(),
                       loadModule: ((String) -> String?)?) throws -> LinkKindChoice {
        let (namespace, sockets) = try NetworkNamespace.makeScratch(sockets: 1)
        let socket = sockets[0]
        defer { withExtendedLifetime(namespace) {} }
        var choice = LinkKindChoice(kind: nil, notes: [:])
        for (offset, kind) in candidates.enumerated() {
            let module = moduleName(of: kind)
            var loadNote: String?
            if case .wouldLoad(let why) = ModulePresence.of(module: module, files: files) {
                guard let loadModule else {
                    choice.notes[kind] = "skipped: \(why)"
                    continue
                }
                loadNote = loadModule(module) ?? "asked to load \(module)"
                guard case .present = ModulePresence.of(module: module, files: files) else {
                    choice.notes[kind] = "skipped: \(loadNote!)"
                    continue
                }
                choice.loaded.append(module)
            }
            let request = LinkRequest.create(name: "lck\(offset)", kind: kind,
                                             peerName: kind == "veth" ? "lck\(offset)p" : nil)
            do {
                try socket.perform(request)
                choice.kind = kind
                if let loadNote { choice.notes[kind] = "loaded: \(loadNote)" }
                return choice
            } catch where error.errno.isPermission {
                throw ProbeError.notPermitted(error.description)
            } catch {
                choice.notes[kind] = Self.note(error) + (loadNote.map { "; module: \($0)" } ?? "")
            }
        }
        return choice
    }

    /// The module behind a link kind (rtnl-link-KIND): for the candidates, the kind's own name.
    static func moduleName(of kind: String) -> String { kind }

    static func note(_ error: NetlinkError) -> String {
        error.errno.name + (error.extack.map { ": \($0)" } ?? "")
    }
}
