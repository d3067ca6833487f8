import Namespaces
import Netlink

/// The throwaway link kind: the first of the candidates this kernel has and can make, why the others were
/// passed over, and which modules were loaded to get there.
public struct LinkKindChoice: Equatable, Sendable {
    public static let candidates = ["dummy", "veth", "ifb"]

    /// Kinds whose module adds no device to the host when it loads (veth makes links only when asked;
    /// dummy's numdummies=1 and ifb's numifbs=2 defaults add dummy0, ifb0 and ifb1): when the kernel has
    /// no candidate at all, the probe may let the kernel load one of these by asking for the kind.
    public static let loadableWithoutDevices: Set<String> = ["veth"]

    public var kind: String?
    public var notes: [String: String]
    /// Modules loaded on the way: with a loader (`--load-modules`), or by the kernel for a kind of
    /// `loadableWithoutDevices` when no other kind was there.
    public var loaded: [String] = []

    /// Tries the candidates in a scratch namespace, first only those whose module the kernel already has
    /// (or when it cannot load modules at all): asking for a kind it lacks makes the kernel run modprobe
    /// itself, and a freshly loaded dummy makes dummy0 in the host. A kind that would load a module is
    /// passed over, unless `loadModule` is given: then it is asked to load the module (without creating
    /// devices) first. When no kind could be made that way, the kinds of `loadableWithoutDevices` whose
    /// module is installed (modules.dep lists it) are asked for anyway, and the kernel loads their module
    /// (a freshly booted node before any container network has none of the candidates loaded). Creating is still the final test: a module can be
    /// present and its kind still refused.
    static func choose(candidates: [String] = candidates, files: ModuleFiles = .fromEnvironment(),
                       loadModule: ((String) -> String?)?) throws -> LinkKindChoice {
        let (namespace, sockets) = try NetworkNamespace.makeScratch(sockets: 1)
        let socket = sockets[0]
        defer { withExtendedLifetime(namespace) {} }
        var choice = LinkKindChoice(kind: nil, notes: [:])
        var lastResort: [(offset: Int, kind: String, why: String)] = []
        for (offset, kind) in candidates.enumerated() {
            let module = moduleName(of: kind)
            var loadNote: String?
            if case .wouldLoad(let why) = ModulePresence.of(module: module, files: files) {
                guard let loadModule else {
                    if loadableWithoutDevices.contains(kind), ModulePresence.isInstalled(module: module, files: files) {
                        lastResort.append((offset, kind, why))
                    }
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
            if try choice.tryCreating(kind, offset: offset, on: socket, loadNote: loadNote) { return choice }
        }
        for (offset, kind, why) in lastResort {
            let module = moduleName(of: kind)
            let started = Clock.now
            let made = try choice.tryCreating(kind, offset: offset, on: socket, loadNote: nil)
            let took = Clock.milliseconds(since: started)
            let nowPresent: Bool
            if case .present = ModulePresence.of(module: module, files: files) { nowPresent = true } else { nowPresent = false }
            if nowPresent { choice.loaded.append(module) }
            let how = "no other kind was there, so the kernel was asked for \(kind), whose module creates no device (\(why))"
            if made {
                choice.notes[kind] = (nowPresent ? "loaded by the kernel in \(took) ms: " : "made without a module load: ") + how
                return choice
            }
            choice.notes[kind] = "\(choice.notes[kind] ?? "refused"); \(how)" + (nowPresent ? "; \(module) is loaded now" : "")
        }
        return choice
    }

    /// Makes and keeps a link of `kind` in the scratch namespace; false (with a note) when the kernel
    /// refuses it for another reason than privilege.
    private mutating func tryCreating(_ kind: String, offset: Int, on socket: RouteSocket, loadNote: String?)
        throws -> Bool
    {
        let name = ProbeNames.kindTrial(offset)
        let request = LinkRequest.create(name: name, kind: kind, peerName: kind == "veth" ? ProbeNames.peer(of: name) : nil)
        do {
            try socket.perform(request)
            self.kind = kind
            if let loadNote { notes[kind] = "loaded: \(loadNote)" }
            return true
        } catch where error.errno.isPermission {
            throw ProbeError.notPermitted(error.description)
        } catch {
            notes[kind] = Self.note(error) + (loadNote.map { "; module: \($0)" } ?? "")
            return false
        }
    }

    /// The module behind a link kind (rtnl-link-KIND): for the candidates, the kind's own name.
    static func moduleName(of kind: String) -> String { kind }

    static func note(_ error: NetlinkError) -> String {
        error.errno.name + (error.extack.map { ": \($0)" } ?? "")
    }
}
