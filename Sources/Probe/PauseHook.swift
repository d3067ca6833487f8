import Glibc

/// A test-only hook: with LINKCAPS_TEST_PAUSE_AT=<step> the probe announces "linkcaps: paused at <step>" on
/// stderr when it first reaches that step and waits there for a signal, so a test can kill -9 it mid-way
/// and check that nothing is left behind. Steps: namespaces, link, request.
struct PauseHook {
    let step: String?

    static func fromEnvironment() -> PauseHook {
        PauseHook(step: getenv("LINKCAPS_TEST_PAUSE_AT").map { String(cString: $0) })
    }

    func reached(_ name: String) {
        guard let step, step == name else { return }
        let line = "linkcaps: paused at \(name)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        while true { Glibc.pause() }
    }
}
