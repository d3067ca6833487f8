import Glibc

/// NFD's local feature-file directive `# +expiry-time=<RFC3339>`: the lines after it are ignored by
/// nfd-worker once that time has passed. Written first, so it covers every label of the file.
public enum NFDExpiry {
    /// The longest expiry accepted: a year (a node that runs longer without a refresh has no current answer).
    public static let maximumSeconds = 366 * 86_400

    /// "90s", "30m", "6h", "2d" or plain seconds → seconds; nil for anything else, zero or over the maximum.
    public static func seconds(_ text: String) -> Int? {
        var digits = Substring(text)
        var unit = 1
        switch digits.last {
        case "s": unit = 1; digits.removeLast()
        case "m": unit = 60; digits.removeLast()
        case "h": unit = 3_600; digits.removeLast()
        case "d": unit = 86_400; digits.removeLast()
        default: break
        }
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }),
              let value = Int(digits), value > 0, value * unit <= maximumSeconds else { return nil }
        return value * unit
    }

    /// `# +expiry-time=2030-03-17T17:46:40Z` for a time in seconds since the epoch (UTC, whole seconds).
    public static func directive(epochSeconds: Int) -> String {
        var time = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "# +expiry-time=\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
            + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The directive for `seconds` from now.
    public static func directive(after seconds: Int) -> String {
        directive(epochSeconds: Int(time(nil)) + seconds)
    }
}
