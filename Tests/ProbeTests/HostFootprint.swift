import TestSupport
import Foundation

/// What a probe could leave behind on the host: links in our namespace, named namespaces, mounts, and
/// this process's netlink sockets and namespace handles.
struct HostFootprint: Equatable {
    var links: [String]
    /// Loaded modules (/proc/modules; empty on a kernel without them): a probe must load none unasked.
    var modules: [String]
    var namedNamespaces: [String]
    var mounts: String
    var openDescriptors: [String]

    static func now() throws -> HostFootprint {
        // What the probe itself opens and could leak: netlink sockets and network namespace handles. Other
        // descriptors come and go with the test runner and Foundation (pipes, epoll, timers).
        let fds = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { name -> String? in
            guard let fd = Int32(name),
                  let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)")
            else { return nil }
            if target.hasPrefix("net:[") { return "\(fd) -> \(target)" }
            guard target.hasPrefix("socket:[") else { return nil }
            var domain: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) == 0, domain == AF_NETLINK else { return nil }
            return "\(fd) -> netlink \(target)"
        }.sorted()
        let links = try Subprocess.run(["ip", "-o", "link", "show"]).stdout
            .split(separator: "\n").map { String($0.split(separator: ":").dropFirst().first ?? "") }
        let named = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        let modules = ((try? String(contentsOfFile: "/proc/modules", encoding: .utf8)) ?? "")
            .split(separator: "\n").map { String($0.prefix { $0 != " " }) }
        return HostFootprint(links: links.sorted(), modules: modules.sorted(), namedNamespaces: named.sorted(), mounts: mounts,
                             openDescriptors: fds)
    }
}

/// The network namespaces (by nsfs inode) that any process on the machine holds open or is in.
func heldNetworkNamespaces() -> Set<String> {
    var held = Set<String>()
    let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    for pid in processes where pid.allSatisfy(\.isNumber) {
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net") { held.insert(own) }
        for fd in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? [] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
               target.hasPrefix("net:[") { held.insert(target) }
        }
    }
    return held
}
