import Policy
import SystemCalls

/// What the host's network managers say about a device, from the state each keeps under /run: read at
/// ADD (which manager has the device) and at DEL (whether that manager still runs, so that it, not DEL,
/// brings the device up: HostNetworkManager).
struct HostManagers {
    /// `/`, or the test-only LINKCAPS_TEST_RUN_ROOT, under which `run/` is read; /proc is always the real one.
    let root: String

    init(environment: [String: String]) {
        root = CNIEnvironment.variable("LINKCAPS_TEST_RUN_ROOT", in: environment) ?? ""
    }

    /// The manager that has the device with this ifindex under management now, if any. NetworkManager
    /// writes `managed=true` in its per-device run state for a device it manages (false or no key for
    /// one it leaves alone: a udev NM_UNMANAGED rule, an unmanaged-devices setting); systemd-networkd
    /// writes ADMIN_STATE, `unmanaged` for a link no .network file matches.
    func managing(index: Int32) -> HostNetworkManager? {
        if let state = readSmallFile("\(root)/run/NetworkManager/devices/\(index)", limit: 16384),
           Self.value(of: "managed", in: state, group: "device") == "true" {
            return .networkManager
        }
        if let state = readSmallFile("\(root)/run/systemd/netif/links/\(index)", limit: 16384),
           let admin = Self.value(of: "ADMIN_STATE", in: state, group: nil), admin != "unmanaged", admin != "linger" {
            return .networkd
        }
        return nil
    }

    /// The managers running now, by process name (/proc/<pid>/comm; the kernel cuts it at 15 bytes,
    /// which "systemd-network" is).
    static func running() -> Set<HostNetworkManager> {
        var found: Set<HostNetworkManager> = []
        // /proc that cannot be listed knows no manager to be running: DEL then brings the device up itself.
        let entries: [String]
        do { entries = try directoryEntries("/proc") } catch { return found }
        for entry in entries where entry.first?.isNumber == true {
            switch readSmallFile("/proc/\(entry)/comm", limit: 64) {
            case "NetworkManager\n": found.insert(.networkManager)
            case "systemd-network\n": found.insert(.networkd)
            default: continue
            }
            if found.count == HostNetworkManager.allCases.count { break }
        }
        return found
    }

    /// A key's value in a keyfile (`[group]` then `key=value`) or, with no group, an env-style file.
    static func value(of key: String, in text: String, group: String?) -> String? {
        var inGroup = group == nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("[") {
                inGroup = group.map { line == "[\($0)]" } ?? false
                continue
            }
            guard inGroup, let equals = line.firstIndex(of: "="),
                  line[..<equals].trimmingCharacters(in: " ") == key else { continue }
            return String(line[line.index(after: equals)...].trimmingCharacters(in: " "))
        }
        return nil
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return s
    }
}
