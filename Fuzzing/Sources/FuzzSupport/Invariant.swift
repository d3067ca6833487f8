import Glibc

/// A property the code under test must keep for every input (a round trip, an agreement between two
/// readers). Broken, it aborts: libFuzzer then saves the input as a crash, like any sanitizer report.
public func invariant(_ holds: Bool, _ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard !holds else { return }
    let message = "INVARIANT BROKEN (\(file):\(line)): \(what())\n"
    _ = message.utf8CString.withUnsafeBytes { write(2, $0.baseAddress, $0.count - 1) }
    abort()
}

/// libFuzzer's input as bytes (it may pass a null pointer with size 0).
public func inputBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
