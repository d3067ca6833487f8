import Namespaces
import Netlink

/// The throwaway link kind: the first of the candidates this kernel can make, and why the others failed.
public struct LinkKindChoice: Equatable, Sendable {
    public static let candidates = ["dummy", "veth", "ifb"]

    public var kind: String?
    public var notes: [String: String]

    /// Tries each kind in a scratch namespace (creating is the only reliable test: a driver can be built
    /// in, loadable, or absent, and module databases may be missing). `loadModule` is asked, once per
    /// kind, when the kernel does not know a kind.
    static func choose(candidates: [String] = candidates, loadModule: ((String) -> String?)?) throws -> LinkKindChoice {
        let (namespace, sockets) = try NetworkNamespace.makeScratch(sockets: 1)
        let socket = sockets[0]
        defer { withExtendedLifetime(namespace) {} }
        var notes: [String: String] = [:]
        for (offset, kind) in candidates.enumerated() {
            let request = LinkRequest.create(name: "lck\(offset)", kind: kind,
                                             peerName: kind == "veth" ? "lck\(offset)p" : nil)
            do {
                try socket.perform(request)
                return LinkKindChoice(kind: kind, notes: notes)
            } catch where error.errno.isPermission {
                throw ProbeError.notPermitted(error.description)
            } catch where error.errno == .EOPNOTSUPP && loadModule != nil {
                let loadNote = loadModule!(kind)
                do {
                    try socket.perform(request)
                    return LinkKindChoice(kind: kind, notes: notes.merging([kind: "loaded: \(loadNote ?? "ok")"]) { $1 })
                } catch {
                    notes[kind] = Self.note(error) + (loadNote.map { "; module: \($0)" } ?? "")
                }
            } catch {
                notes[kind] = Self.note(error)
            }
        }
        return LinkKindChoice(kind: nil, notes: notes)
    }

    static func note(_ error: NetlinkError) -> String {
        error.errno.name + (error.extack.map { ": \($0)" } ?? "")
    }
}
