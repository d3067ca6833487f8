import CSystemCalls
import Glibc

/// The few host facts every report needs and every caller (the plugin included) can read without
/// libkmod: kernel release and version, boot id. Read with plain byte handling: this runs on every plugin
/// start, where Character-level string APIs cost more in first-use set-up than the reads themselves.
public struct SystemIdentity: Equatable, Sendable {
    public var release: String
    public var version: String
    public var bootID: String

    public static func current() -> SystemIdentity {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let version = withUnsafeBytes(of: &name.version) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let bootID = (try? readAll(path: "/proc/sys/kernel/random/boot_id", limit: 4096)).map { bytes in
            String(decoding: bytes.filter { $0 != 0x0A && $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }, as: UTF8.self)
        } ?? "unknown"
        return SystemIdentity(release: release, version: version, bootID: bootID)
    }
}

/// CAP_NET_ADMIN (bit 12) and CAP_SYS_ADMIN (bit 21) in the effective set of the calling thread.
public enum Privilege {
    public static var effectiveCapabilities: UInt64? {
        var caps: UInt64 = 0
        return lc_effective_caps(&caps) == 0 ? caps : nil
    }

    public static var hasNetAdmin: Bool { (effectiveCapabilities ?? 0) & (1 << 12) != 0 }

    /// Whether we run in the initial user namespace (not inside `unshare -U`): only then do our answers
    /// speak for the host as root would see it.
    public static var inInitialUserNamespace: Bool {
        guard let map = readSmallFile("/proc/self/uid_map") else { return false }
        let fields = map.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        return fields.count == 3 && fields[0] == "0" && fields[1] == "0" && fields[2] == "4294967295"
    }

    public static var isPrivileged: Bool { hasNetAdmin && inInitialUserNamespace }
}

/// A small text file (procfs, sysfs) in one go, for facts: nil when it cannot be read or is larger than
/// `limit`, which the callers report as "unknown" (readAll says why, for callers that must).
public func readSmallFile(_ path: String, limit: Int = 65536) -> String? {
    (try? readAll(path: path, limit: limit)).map { String(decoding: $0, as: UTF8.self) }
}
