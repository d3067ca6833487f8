import CapabilityCache
import Capabilities
import Glibc
import SystemCalls
import SystemPackage

/// `linkcaps probe [--json] [--cache-dir DIR]` answered from the cache, before ArgumentParser runs: its
/// reflection-based parsing costs a fresh process several milliseconds, more than the whole cached answer
/// (15.6 against 28.4 ms median, 0.55×, side by side: Benchmarks/README.md, issue 18).
/// Anything else — another flag, a cache that cannot answer alone — falls through to the parser unchanged.
extension Linkcaps {
    static func main() {
        if let output = CachedProbeFastPath.answer(Array(CommandLine.arguments.dropFirst())) {
            try? FileDescriptor.standardOutput.write(all: output)
            Glibc.exit(0)
        }
        main(nil)
    }
}

enum CachedProbeFastPath {
    static func answer(_ arguments: [String]) -> String? {
        guard arguments.first == "probe" else { return nil }
        var json = false
        var directory: String?
        var rest = arguments.dropFirst().makeIterator()
        while let argument = rest.next() {
            if argument == "--json" { json = true } else if argument == "--cache-dir", let value = rest.next() {
                directory = value
            } else if argument.hasPrefix("--cache-dir=") {
                directory = String(argument.dropFirst("--cache-dir=".count))
            } else {
                return nil
            }
        }
        let cache = CapabilityCache(directory: directory)
        if json {
            // Reports written by plugins carry no facts; the full path adds them.
            guard let text = cache.cachedReportJSON(requiring: "facts") else { return nil }
            return text + "\n"
        }
        guard let report = cache.cachedReport(), report.facts != nil else { return nil }
        return ProbeTable.render(report) + FactsTable.render(report.facts)
    }
}
