import SystemCalls

/// The first line of a small procfs/sysfs file, without its newline; nil when unreadable or empty.
func readFirstLine(_ path: String) -> String? {
    guard let text = readSmallFile(path), let line = text.split(separator: "\n", omittingEmptySubsequences: false).first,
          !line.isEmpty else { return nil }
    return String(line)
}
