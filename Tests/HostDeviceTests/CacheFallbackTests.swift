import Capabilities
import CapabilityCache
import Foundation
import Glibc
import Probe
import SystemCalls
import SystemPackage
import Testing

/// The capability cache as the plugin meets it in the field: on a read-only or full file system, owned by
/// someone else, or holding answers from a kernel without altnames.
extension Privileged {
    @Suite(.serialized) struct CacheFallbackTests {
        /// A cache that cannot be used costs a probe, never a pod: ADD and DEL work, each says so on stderr
        /// in one line naming the errno, and each probes (the probe counter counts them). Before, ADD
        /// failed: "cannot read the kernel's capability report … mkdir: E30".
        @Test(arguments: ["read-only, no directory", "read-only, directory there", "full", "owned by nobody"])
        func anUnusableCacheCostsAProbeNeverAPod(_ situation: String) throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let mountPoint = Lab.root + "/cache-fs"
            let counter = Lab.root + "/probe-counter"
            unlink(counter)
            try must("mkdir -p \(mountPoint)")
            var cache = mountPoint + "/linkcaps"
            let expected: String
            switch situation {
            case "read-only, no directory":
                try must("mount -t tmpfs -o ro,size=64k,mode=0700 tmpfs \(mountPoint)")
                expected = "EROFS"
            case "read-only, directory there":
                try must("mount -t tmpfs -o size=64k,mode=0700 tmpfs \(mountPoint) && mkdir -m 0700 \(cache) && mount -o remount,ro \(mountPoint)")
                expected = "EROFS"
            case "full":
                try must("mount -t tmpfs -o size=4k,mode=0700 tmpfs \(mountPoint) && mkdir -m 0700 \(cache)")
                sh("dd if=/dev/zero of=\(mountPoint)/filler bs=4096 count=4 2>/dev/null")
                expected = "ENOSPC"
            default:
                cache = Lab.root + "/cache-not-ours"
                try must("rm -rf \(cache) && mkdir -m 0700 \(cache) && chown 65534:65534 \(cache)")
                expected = "owned by uid 65534"
            }
            defer { sh("umount \(mountPoint) 2>/dev/null; rm -rf \(Lab.root)/cache-not-ours") }
            let env = ["LINKCAPS_CACHE_DIR": cache, "LINKCAPS_TEST_PROBE_COUNTER": counter]
            let add = plugin("ADD", conf(device), netns: ns, env: env)
            #expect(add.status == 0, "\(situation): \(add.stdout)")
            let lines = add.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.contains(expected) == true, "\(situation): one line naming \(expected): \(add.stderr)")
            #expect(!add.stderr.contains("E30") && !add.stderr.contains("E28"), "errnos by name, never numbers")
            #expect(link("net1", in: ns) != nil)
            let del = plugin("DEL", conf(device), netns: ns, env: env)
            #expect(del.status == 0 && del.stderr.contains(expected), "\(situation): \(del.stdout) \(del.stderr)")
            #expect(linkTable(only: device) == before)
            let probes = ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count
            #expect(probes == 2, "\(situation): one probe per run, \(probes) counted")
        }

        /// A kernel without altnames (5.4: RTM_NEWLINKPROP answers EOPNOTSUPP, or EINVAL where the message
        /// type is unknown) answers `skipped` for both altname capabilities. Built from a real report of this
        /// kernel with those two answers changed, it is probed once and reused: the probe counter stays at
        /// one across twenty plugin runs. Before, each ADD and DEL probed again under the plugin's lock.
        @Test func aReportFromAKernelWithoutAltnamesIsReused() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let cache = Lab.root + "/cache-no-altnames"
            let counter = Lab.root + "/probe-counter-no-altnames"
            sh("rm -rf \(cache) \(counter)")
            defer { sh("rm -rf \(cache) \(counter)") }
            let withoutAltnames = { (options: ProbeOptions) throws -> Report in
                var report = try Prober.run(options)
                for (id, errno) in [(CapabilityID.altnameFollowsMove, "EOPNOTSUPP"), (.altnameClashRejected, "EINVAL")] {
                    let value = Errno.named(errno)!
                    report[id] = CapabilityResult(
                        state: .skipped, summary: "this kernel has no alternative names (\(errno), v5.5+)",
                        evidence: Evidence(request: "RTM_NEWLINKPROP ifindex=2 IFLA_PROP_LIST(IFLA_ALT_IFNAME=lc-probe-altname0)",
                                           errno: value.rawValue, errnoName: errno, outcome: "no altname was added"),
                        metadata: report[id]?.metadata ?? CapabilityMetadata())
                }
                return report
            }
            setenv("LINKCAPS_TEST_PROBE_COUNTER", counter, 1)
            let seeded = try CapabilityCache(directory: cache, probe: withoutAltnames).report()
            unsetenv("LINKCAPS_TEST_PROBE_COUNTER")
            #expect(seeded.state(.altnameFollowsMove) == .skipped && seeded.state(.moveSingleRequest) == .supported)
            let env = ["LINKCAPS_CACHE_DIR": cache, "LINKCAPS_TEST_PROBE_COUNTER": counter]
            for round in 0..<10 {
                let add = plugin("ADD", conf(device), netns: ns, env: env)
                #expect(add.status == 0 && add.stderr.isEmpty, "ADD \(round): \(add.stdout) \(add.stderr)")
                #expect(plugin("DEL", conf(device), netns: ns, env: env).status == 0, "DEL \(round)")
            }
            let probes = try String(contentsOfFile: counter, encoding: .utf8).split(separator: "\n").count
            #expect(probes == 1, "the probe counter says \(probes)")
            #expect(link(device)?.contains(",UP") == true)
        }
    }
}
