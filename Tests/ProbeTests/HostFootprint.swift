import TestSupport
import Foundation

/// What a probe could leave behind on the host: links in our namespace, named namespaces, mounts, and
/// this process's open descriptors.
struct HostFootprint: Equatable {
    var links: [String]
    var namedNamespaces: [String]
    var mounts: String
    var openDescriptors: [String]

    static func now() throws -> HostFootprint {
        // Descriptors first, before the witness subprocess adds pipes of its own (which Foundation closes
        // lazily). The probe opens sockets, nsfs files and procfs files, never pipes.
        let fds = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { fd -> String? in
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "?"
            return target.hasPrefix("pipe:") ? nil : "\(fd) -> \(target)"
        }.sorted()
        let links = try Subprocess.run(["ip", "-o", "link", "show"]).stdout
            .split(separator: "\n").map { String($0.split(separator: ":").dropFirst().first ?? "") }
        let named = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return HostFootprint(links: links.sorted(), namedNamespaces: named.sorted(), mounts: mounts, openDescriptors: fds)
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
