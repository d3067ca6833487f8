// Not tests: measurements run by Benchmarks/cache-bench and Benchmarks/reader-bench.
//
//   linkcaps-bench [--iterations N] [--cache-dir DIR]
//       In-process cached lookup: how long one CapabilityCache.report() takes when the cache holds a
//       conclusive report (what a plugin pays per call after process start). DIR must hold a primed cache,
//       else it is primed (priming probes for real and needs root).
//   linkcaps-bench readers FILE [--iterations N]
//       The report readers on one report, in process: median µs of Report.decode (ReportReader, then
//       JSONDecoder) and of ReportReader.lean (what the audit and the plugin read) per call.
//   linkcaps-bench read full|lean|none FILE
//       One read in a fresh process (for hyperfine): what a plugin start pays for each reader.
import CapabilityCache
import Capabilities
import FoundationEssentials
import Glibc

func nanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func format(_ value: Double) -> String { String(Int((value * 10).rounded())).dropLast() + "." + String(Int((value * 10).rounded()) % 10) }

struct Samples {
    var values: [Double] = []
    mutating func time(_ body: () throws -> Void) rethrows {
        let start = nanoseconds()
        try body()
        values.append(Double(nanoseconds() - start) / 1000)
    }
    func quantile(_ q: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
    }
    var summary: String { "median \(format(quantile(0.5))) µs, p90 \(format(quantile(0.9))) µs, min \(format(quantile(0))) µs" }
}

func fail(_ message: String) -> Never {
    let line = "linkcaps-bench: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

func fileBytes(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "r") else { fail("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { return bytes }
        bytes += chunk[..<n]
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
var iterations = 5000
if let at = arguments.firstIndex(of: "--iterations"), at + 1 < arguments.count, let n = Int(arguments[at + 1]) {
    iterations = n
    arguments.removeSubrange(at...(at + 1))
}

switch arguments.first {
case "readers":
    guard arguments.count == 2 else { fail("usage: linkcaps-bench readers FILE [--iterations N]") }
    let bytes = fileBytes(arguments[1])
    let data = Data(bytes)
    var full = Samples(), lean = Samples()
    var checksum = 0
    for _ in 0 ..< iterations {
        try! full.time { checksum &+= try Report.decode(data).capabilities.count }
        try! lean.time { checksum &+= try bytes.withUnsafeBytes { try ReportReader.lean($0) }.states.count }
    }
    print("Report.decode      \(iterations) calls, \(full.summary)")
    print("ReportReader.lean  \(iterations) calls, \(lean.summary)")
    print("full / lean: \(format(full.quantile(0.5) / lean.quantile(0.5)))× (checksum \(checksum))")
case "read":
    guard arguments.count == 3 else { fail("usage: linkcaps-bench read full|lean|none FILE") }
    let bytes = fileBytes(arguments[2])
    switch arguments[1] {
    case "full": print(try! Report.decode(Data(bytes)).capabilities.count)
    case "lean": print(try! bytes.withUnsafeBytes { try ReportReader.lean($0) }.states.count)
    default: print(bytes.count)
    }
default:
    var directory: String?
    var rest = arguments.makeIterator()
    while let argument = rest.next() {
        guard argument == "--cache-dir", let value = rest.next() else {
            fail("usage: linkcaps-bench [--iterations N] [--cache-dir DIR] | readers FILE | read full|lean|none FILE")
        }
        directory = value
    }
    let cache = CapabilityCache(directory: directory)
    do {
        let primed = try cache.report()
        if primed.source != .cache, try cache.report().source != .cache {
            fail("the cache in \(cache.directory) keeps re-probing (inconclusive answers?)")
        }
    } catch {
        fail("\(error)")
    }
    var samples = Samples()
    var checksum = 0
    for _ in 0 ..< iterations {
        try! samples.time { checksum &+= try cache.report().capabilities.count }
    }
    print("in-process cached lookup: \(iterations) calls, \(samples.summary) (checksum \(checksum))")
}
