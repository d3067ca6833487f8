import CFuzzSupport

/// Runs `body` with `block` as the process's environment (environ), then puts the old one back.
public func withEnvironment<T>(_ block: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ body: () -> T) -> T {
    let saved = lc_fuzz_swap_environ(block)
    defer { _ = lc_fuzz_swap_environ(saved) }
    return body()
}
