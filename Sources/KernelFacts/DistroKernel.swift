import Capabilities

/// The distro's own kernel version: uname -r says "6.1.0-26-cloud-amd64", but the fixes a kernel carries
/// follow the package version ("Debian 6.1.170-1"), which Debian writes into uname -v and Ubuntu into
/// /proc/version_signature.
public enum DistroKernel {
    /// From /proc/version_signature ("Ubuntu 5.15.0-91.101-generic 5.15.131") when present, else from the
    /// kernel version string; nil when neither encodes one.
    public static func version(signature: String?, unameVersion: String)
        -> (version: String, source: HostFacts.DistroKernelVersionSource)?
    {
        if let signature = signature?.trimmed, !signature.isEmpty {
            return (signature, .versionSignature)
        }
        if let debian = debianVersion(in: unameVersion) { return (debian, .unameVersion) }
        return nil
    }

    /// "#1 SMP PREEMPT_DYNAMIC Debian 6.1.170-1 (2025-01-02)" → "Debian 6.1.170-1".
    public static func debianVersion(in unameVersion: String) -> String? {
        let words = unameVersion.split(separator: " ")
        guard let index = words.firstIndex(of: "Debian"), index + 1 < words.count else { return nil }
        let version = words[index + 1]
        guard version.first?.isNumber == true else { return nil }
        return "Debian \(version)"
    }
}

/// /etc/os-release (or /usr/lib/os-release): KEY=value lines, values optionally quoted.
public enum OSReleaseFile {
    public static let paths = ["/etc/os-release", "/usr/lib/os-release"]

    public static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmed
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            var value = Substring(trimmed[trimmed.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            fields[String(trimmed[..<equals])] = value.replacingEscapes()
        }
        return fields
    }
}

extension StringProtocol {
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}

extension Substring {
    /// os-release allows shell-style backslash escapes inside double quotes.
    func replacingEscapes() -> String {
        var out = ""
        var escaped = false
        for character in self {
            if escaped { out.append(character); escaped = false } else if character == "\\" { escaped = true } else {
                out.append(character)
            }
        }
        return out
    }
}
