import CFuzzSupport
import Glibc

/// Hands the process to libFuzzer with `target` as the function under test; exits with libFuzzer's status.
public func runFuzzer(_ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    exit(lc_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, target))
}
