// In-process cached lookup: how long one CapabilityCache.report() takes when the cache holds a conclusive
// report (what a plugin pays per call after process start). Not a test: run by Benchmarks/cache-bench.
//
//   linkcaps-bench [--iterations N] [--cache-dir DIR]     (DIR must hold a primed cache, else it is primed;
//                                                          priming probes for real and needs root)
import CapabilityCache
import Capabilities
import Glibc

var iterations = 5000
var directory: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--iterations": iterations = arguments.next().flatMap { Int($0) } ?? iterations
    case "--cache-dir": directory = arguments.next()
    default:
        fputs("usage: linkcaps-bench [--iterations N] [--cache-dir DIR]\n", stderr)
        exit(2)
    }
}

func nanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

let cache = CapabilityCache(directory: directory)
do {
    let primed = try cache.report()
    if primed.source != .cache, try cache.report().source != .cache {
        fputs("linkcaps-bench: the cache in \(cache.directory) keeps re-probing (inconclusive answers?)\n", stderr)
        exit(1)
    }
} catch {
    fputs("linkcaps-bench: \(error)\n", stderr)
    exit(2)
}

var samples: [Double] = []
samples.reserveCapacity(iterations)
var checksum = 0
for _ in 0 ..< iterations {
    let start = nanoseconds()
    let report = try! cache.report()
    samples.append(Double(nanoseconds() - start) / 1000)
    checksum &+= report.capabilities.count
}
samples.sort()
func quantile(_ q: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * q))] }
func format(_ value: Double) -> String { String(Int((value * 10).rounded())) .dropLast() + "." + String(Int((value * 10).rounded()) % 10) }
print("in-process cached lookup: \(iterations) calls, median \(format(quantile(0.5))) µs, "
    + "p90 \(format(quantile(0.9))) µs, min \(format(samples[0])) µs (checksum \(checksum))")
