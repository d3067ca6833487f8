import Capabilities
import Netlink
import SystemCalls
import SystemPackage

/// Name checks by resolution: what a namespace answers when asked for a name, and whether it takes the
/// name for another link. Where a link's own altname list and the namespace's name registry disagree
/// (altnames before 8e15aee62161, v6.6), only these tell the kernels apart.
extension Lab {
    /// RTM_GETLINK with IFLA_ALT_IFNAME in one namespace: the link it resolves to, or the errno (ENODEV).
    func check(lookup name: String, in side: Side, expect expectation: NameCheck.Expectation) -> NameCheck {
        do {
            let link = try requests(side).perform(.get(altName: name)).first
            return NameCheck(lookup: NameLookup(namespace: side, action: .lookup, name: name, errno: 0, ifindex: link?.index),
                             resolvedName: link?.name, expectation: expectation)
        } catch {
            return NameCheck(lookup: NameLookup(namespace: side, action: .lookup, name: name, errno: error.errno.rawValue,
                                                errnoName: error.errno.name), resolvedName: nil, expectation: expectation)
        }
    }

    /// Makes a fresh link (the bystander) in `side` and tries to give it `name` as an altname: whether the
    /// namespace still holds the name for someone else.
    func check(reuse name: String, in side: Side) throws -> NameCheck {
        let other = try makeLink(ProbeNames.bystander, in: side)
        let error = attempt(.addAltName(index: other.index, name), in: side)
        let lookup = NameLookup(namespace: side, action: .reuse, name: name, errno: error?.errno.rawValue ?? 0,
                                errnoName: error?.errno.name, ifindex: error == nil ? other.index : nil)
        return NameCheck(lookup: lookup, resolvedName: error == nil ? other.name : nil, expectation: .accepted)
    }

    /// Deletes a link that carries an altname, while both namespaces still live. Before 8e15aee62161 a moved
    /// link's altname stays hashed in the source namespace; if the source died first, the link's later
    /// unregistration would unhook that name from a freed table. Deleting it now unhooks it from a live one.
    /// Returns a note for the evidence when the kernel refused.
    func retire(_ index: Int32, in side: Side) -> String? {
        attempt(.delete(index: index), in: side).map { "could not delete ifindex \(index) in the \(side): \($0)" }
    }
}

/// One name check and what the experiment expects of it.
struct NameCheck {
    enum Expectation: Equatable {
        /// To this link: the same ifindex and name (indices repeat across namespaces, names tell them apart).
        case resolvesTo(index: Int32, name: String?)
        case resolvesNowhere
        case accepted

        static func resolvesTo(_ link: LinkMessage) -> Expectation { .resolvesTo(index: link.index, name: link.name) }
    }

    let lookup: NameLookup
    /// The name of the link the lookup resolved to (not part of the report: the ifindex is).
    let resolvedName: String?
    let expectation: Expectation

    /// Whether the kernel's answer meets the expectation; nil when the answer says nothing either way
    /// (a refusal for lack of privilege, an errno nobody expected).
    var holds: Bool? {
        let errno = Errno(rawValue: lookup.errno)
        switch expectation {
        case .resolvesTo(let index, let name):
            if lookup.errno == 0 { return lookup.ifindex == index && resolvedName == name }
            return errno == .operationNotSupportedByDevice ? false : nil
        case .resolvesNowhere:
            if lookup.errno == 0 { return false }
            return errno == .operationNotSupportedByDevice ? true : nil
        case .accepted:
            if lookup.errno == 0 { return true }
            return errno == .fileExists ? false : nil
        }
    }

    /// What the kernel answered, in plain words.
    var answer: String {
        let place = "in the \(lookup.namespace.rawValue) \(lookup.name)"
        switch lookup.action {
        case .lookup:
            return lookup.errno == 0 ? "\(place) resolves to \(resolvedName ?? "?") (ifindex \(lookup.ifindex.map(String.init) ?? "?"))"
                : "\(place) does not resolve (\(lookup.errnoName ?? "errno \(lookup.errno)"))"
        case .reuse:
            return lookup.errno == 0 ? "\(place) can be given to another link"
                : "\(place) cannot be given to another link (\(lookup.errnoName ?? "errno \(lookup.errno)"))"
        }
    }
}

extension Conclusion {
    /// The verdict of a set of name checks: supported when every one holds, inconclusive when any answer
    /// says nothing, else unsupported, naming what failed.
    static func judged(_ checks: [NameCheck], _ evidence: Evidence, supported summary: String) -> Conclusion {
        var evidence = evidence
        evidence.lookups = (evidence.lookups ?? []) + checks.map(\.lookup)
        if let mute = checks.first(where: { $0.holds == nil }) {
            let errno = Errno(rawValue: mute.lookup.errno)
            return errno.isPermission ? .notPermitted(errno, evidence)
                : Conclusion(.inconclusive, "unexpected answer: \(mute.answer)", evidence)
        }
        let failed = checks.filter { $0.holds == false }
        guard failed.isEmpty else {
            return Conclusion(.unsupported, failed.map(\.answer).joined(separator: "; "), evidence)
        }
        return Conclusion(.supported, summary, evidence)
    }
}
