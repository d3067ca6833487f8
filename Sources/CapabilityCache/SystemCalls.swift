import Glibc
import SystemCalls

/// What may be trusted in the cache: a regular file or directory of ours that nobody else can write.
func trustProblem(_ info: stat, expectDirectory: Bool) -> String? {
    let type = info.st_mode & S_IFMT
    if expectDirectory ? type != S_IFDIR : type != S_IFREG {
        return expectDirectory ? "not a directory" : "not a regular file"
    }
    if info.st_uid != geteuid() { return "owned by uid \(info.st_uid), not \(geteuid())" }
    if info.st_mode & 0o022 != 0 { return "mode \(String(info.st_mode & 0o7777, radix: 8)) is group- or world-writable" }
    if !expectDirectory && info.st_nlink != 1 { return "has \(info.st_nlink) hard links" }
    return nil
}

/// Where `needle` first occurs in `haystack` (a plain loop: the generic searches cost a fresh process
/// more in metadata set-up than the search itself).
func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
    let first = needle[0]
    var index = 0
    while index <= haystack.count - needle.count {
        if haystack[index] == first {
            var matched = 1
            while matched < needle.count && haystack[index + matched] == needle[matched] { matched += 1 }
            if matched == needle.count { return index }
        }
        index += 1
    }
    return nil
}
