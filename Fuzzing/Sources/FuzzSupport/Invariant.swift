import Glibc

/// A property the code under test must keep for every input (a round trip, an agreement between two
/// readers). Broken, it aborts: libFuzzer then saves the input as a crash, like any sanitizer report.
public func invariant(_ holds: Bool, _ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard !holds else { return }
    fputs("INVARIANT BROKEN (\(file):\(line)): \(what())\n", stderr)
    abort()
}

/// libFuzzer's input as bytes (it may pass a null pointer with size 0).
public func inputBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
