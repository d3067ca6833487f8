import Capabilities
import CapabilityCache
import Foundation
import Glibc
import JSONText
import Probe
import Testing

/// A host where no probe can be made: LINKCAPS_TEST_MODULE_ROOT points the probe's module decision at a
/// tree where the kernel could load modules (/sbin/modprobe) but has none of dummy, veth or ifb — a freshly
/// booted Debian server before any container network exists. The probe then refuses every kind (trying one
/// would load its module, and dummy's makes dummy0 in the host) and fails for real: "no throwaway link kind
/// can be made here". The cache directory is fresh, so nothing answers from an earlier probe.
struct NoProbeHost {
    let root: String
    let cache: String

    init(_ label: String) throws {
        root = Lab.root + "/no-probe-\(label)"
        cache = root + "/cache"
        sh("rm -rf \(root)")
        try must("mkdir -p \(root)/proc/sys/kernel \(root)/sys/module && : > \(root)/proc/modules"
                 + " && echo /sbin/modprobe > \(root)/proc/sys/kernel/modprobe && echo 0 > \(root)/proc/sys/kernel/modules_disabled")
    }

    var env: [String: String] { ["LINKCAPS_TEST_MODULE_ROOT": root, "LINKCAPS_CACHE_DIR": cache] }

    func remove() { sh("rm -rf \(root)") }
}

/// The one line a run without a report says, and that it says it once.
func saysOnceWhyItHasNoReport(_ run: PluginRun, _ label: String) {
    let lines = run.stderr.split(separator: "\n").filter { $0.contains("no throwaway link kind") }
    #expect(lines.count == 1 && lines[0].hasPrefix("linkcaps-host-device: ") && lines[0].contains("safe on every kernel"),
            "\(label): one stderr line saying why: \(run.stderr)")
}

/// The attachment record's JSON (nil: none).
func record(container: String, ifname: String = "net1") -> [String: Any]? {
    guard let data = FileManager.default.contents(atPath: Lab.stateDir + "/lctest_\(container)_\(ifname).json") else { return nil }
    return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
}

/// Rewrites a record as an earlier boot left it (another boot id): what a reboot leaves under
/// /var/lib/cni/linkcaps, which survives it.
func markFromEarlierBoot(container: String) throws {
    let path = Lab.stateDir + "/lctest_\(container)_net1.json"
    guard var json = record(container: container) else { throw HarnessFailure("no record for \(container)") }
    json["bootId"] = "00000000-0000-4000-8000-000000000000"
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
}

/// What a reboot does to a device that was in a pod: back in the host under its own name, DOWN, its MTU
/// and alias as the driver gives them (a veth would be gone; a NIC comes back fresh), the pod's namespace
/// gone.
func rebootReturns(_ device: String, from ns: String, ifname: String = "net1") throws {
    try must("nsenter --net=\(ns) ip link set \(ifname) netns 1")
    try must("ip link set \(ifname) down && ip link set \(ifname) name \(device) && ip link set dev \(device) alias '' && ip link set \(device) mtu 1500")
    try must("umount \(ns) && rm -f \(ns)")
}

/// What a dying namespace does to a physical device: back in the host under its pod name, alias kept.
func namespaceDiesReturning(_ ifname: String, from ns: String) throws {
    try must("nsenter --net=\(ns) ip link set \(ifname) netns 1 && umount \(ns) && rm -f \(ns)")
}

/// host-local's allocations for network lctest under `dir` (file names are the addresses).
func allocations(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/lctest")) ?? []).filter { $0.first?.isNumber == true }.sorted()
}

func hostLocal(_ dir: String, _ subnet: String) -> String {
    ",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"\(dir)\",\"ranges\":[[{\"subnet\":\"\(subnet)\"}]]}"
}

extension Privileged {
    @Suite(.serialized) struct FallbackTests {
        /// No report can be had: ADD, CHECK, STATUS, GC and DEL all work, on the plan that is safe on every
        /// kernel (the scratch namespace, the altname off in the host for the pod's lifetime and given back),
        /// each planning run says why in one stderr line, and the host gets the device back as it was: name,
        /// MTU, MAC, UP, altname. Before, ADD failed 999 "cannot read the kernel's capability report … no
        /// throwaway link kind can be made here" and STATUS said the network was unavailable.
        @Test func withoutAReportEveryCommandWorks() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let host = try NoProbeHost("every-command")
            defer { host.remove() }
            let device = try lab.device(mtu: 1400)
            let altname = "lca\(getpid() % 100000)x\(Lab.next())"
            try must("ip link property add dev \(device) altname \(altname)")
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let config = conf(device, version: "1.1.0")
            let recorder = try HostRecorder()
            let index = ifindex(device)

            let add = plugin("ADD", config, netns: ns, env: host.env)
            #expect(add.status == 0, "ADD without a report: \(add.stdout) \(add.stderr)")
            saysOnceWhyItHasNoReport(add, "ADD")
            #expect(recordedStrategy() == "scratch-namespace")
            #expect(link("net1", in: ns) != nil && link(device) == nil)
            #expect(sh("ip link show dev \(altname)").status != 0, "the altname is not left registered in the host")
            #expect(try recorder.names(index: index).allSatisfy { $0 == device }, "the host saw only \(device)")
            #expect(sh("ls \(host.cache)/report-*.json 2>/dev/null").output.isEmpty, "no report was stored: the probe failed")

            let prev = ",\"prevResult\":\(add.stdout)"
            let check = plugin("CHECK", conf(device, version: "1.1.0", extra: prev), netns: ns, env: host.env)
            #expect(check.status == 0, "CHECK: \(check.stdout)")
            let status = plugin("STATUS", "{\"cniVersion\":\"1.1.0\",\"name\":\"lctest\",\"type\":\"host-device\"}", netns: nil, env: host.env)
            #expect(status.status == 0, "STATUS: available without a report: \(status.stdout)")
            saysOnceWhyItHasNoReport(status, "STATUS")
            let keep = conf(device, version: "1.1.0", extra: ",\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"net1\"}]")
            #expect(plugin("GC", keep, netns: nil, env: host.env).status == 0)
            #expect(link("net1", in: ns) != nil, "GC keeps a valid attachment")

            let del = plugin("DEL", config, netns: ns, env: host.env)
            #expect(del.status == 0, "DEL without a report: \(del.stdout) \(del.stderr)")
            saysOnceWhyItHasNoReport(del, "DEL")
            #expect(linkTable(only: device) == before, "name, MTU, MAC, UP and alias as before")
            #expect(sh("ip link show dev \(altname)").output.contains(device), "the altname is back on \(device)")
            #expect(try recorder.names(index: index).allSatisfy { $0 == device })

            // GC of an attachment the runtime no longer knows brings the device home the same way.
            #expect(plugin("ADD", config, netns: ns, env: host.env).status == 0)
            let gc = plugin("GC", conf(device, version: "1.1.0", extra: ",\"cni.dev/valid-attachments\":[]"), netns: nil, env: host.env)
            #expect(gc.status == 0, "GC: \(gc.stdout)")
            saysOnceWhyItHasNoReport(gc, "GC")
            #expect(linkTable(only: device) == before && record(container: "c1") == nil)
        }

        /// STATUS without a report still fails for a real reason: without CAP_NET_ADMIN (dropped from the
        /// bounding set, so root's exec does not regain it) it says code 50, and why.
        @Test func statusStillFailsWithoutCapNetAdmin() throws {
            let host = try NoProbeHost("status")
            defer { host.remove() }
            let env = pluginEnvironment("STATUS", netns: nil).merging(host.env) { $1 }
            let assignments = env.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
            let run = sh("echo '{\"cniVersion\":\"1.1.0\",\"name\":\"lctest\",\"type\":\"host-device\"}' | env -i \(assignments) "
                         + "setpriv --bounding-set=-net_admin --inh-caps=-net_admin \(pluginPath) 2>/dev/null")
            #expect(run.status == 1 && run.output.contains("\"code\":50") && run.output.contains("CAP_NET_ADMIN"), "\(run.output)")
        }

        /// A cached report with an answer still inconclusive, on a host where the probe cannot ask again:
        /// its conclusive answers (this boot's) still count — here, the single request — and the one left
        /// reads as not seen (the altname is taken off in the host). One stderr line says so.
        @Test func aPartlyInconclusiveCacheIsKeptWhenTheProbeCannotRun() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let host = try NoProbeHost("partial")
            defer { host.remove() }
            let device = try lab.device()
            let altname = "lca\(getpid() % 100000)x\(Lab.next())"
            try must("ip link property add dev \(device) altname \(altname)")
            let ns = try lab.namespace()
            let before = linkTable(only: device)
            let partly = { (options: ProbeOptions) throws -> Report in
                var report = try Prober.run(options)
                report[.altnameFollowsMove]?.state = .inconclusive
                return report
            }
            let seeded = try CapabilityCache(directory: host.cache, probe: partly).report()
            #expect(seeded.state(.altnameFollowsMove) == .inconclusive && seeded.state(.moveSingleRequest) == .supported)
            let add = plugin("ADD", conf(device), netns: ns, env: host.env)
            #expect(add.status == 0, "\(add.stdout)")
            let lines = add.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.contains("planning from the cached answers") == true, "\(add.stderr)")
            #expect(recordedStrategy() == "single-request", "the cached conclusive answers still count")
            #expect(sh("ip link show dev \(altname)").status != 0, "the inconclusive altname answer reads as not seen")
            #expect(plugin("DEL", conf(device), netns: ns, env: host.env).status == 0)
            #expect(linkTable(only: device) == before)
        }

        /// `linkcaps plan` without a report: the same plan, the same reason, and --json marks it.
        @Test func planWithoutAReportSaysSo() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let host = try NoProbeHost("plan")
            defer { host.remove() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let cli = packageRoot + "/.build/debug/linkcaps"
            let prefix = host.env.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            let text = sh("env \(prefix) \(cli) plan --device \(device) --netns \(ns) --name net1")
            #expect(text.status == 0 && text.output.contains("strategy: scratch-namespace"), "\(text.output)")
            #expect(text.output.contains("knowledge: unknown — cannot read the kernel's capability report") && text.output.contains("no throwaway link kind"))
            let json = sh("env \(prefix) \(cli) plan --json --device \(device) --netns \(ns) --name net1 2>/dev/null")
            let plan = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            #expect(plan?["knowledge"] as? String == "unknown" && plan?["strategy"] as? String == "scratch-namespace", "\(json.output)")
            #expect((plan?["knowledgeReason"] as? String)?.contains("no throwaway link kind") == true)
            #expect(link(device) != nil, "a plan moves nothing")
        }

        /// DEL with an empty CNI_NETNS (the node rebooted, the namespace is gone) still releases the
        /// address. Deliberately unlike the reference (1.9.1 returns before IPAM DEL and leaks it:
        /// containernetworking/plugins#1196).
        @Test func delWithoutANamespaceReleasesTheAddress() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let dir = Lab.root + "/ipam-no-netns"
            sh("rm -rf \(dir)")
            defer { sh("rm -rf \(dir)") }
            let config = conf(device, extra: hostLocal(dir, "10.78.1.0/24"))
            let add = plugin("ADD", config, netns: ns)
            #expect(add.status == 0, "\(add.stdout)")
            #expect(allocations(dir).count == 1, "host-local holds the address")
            let del = plugin("DEL", config, netns: nil)
            #expect(del.status == 0, "\(del.stdout)")
            #expect(allocations(dir).isEmpty, "the address is released: \(allocations(dir))")
            #expect(record(container: "c1") == nil)
        }

        /// The reboot sequence: container A attached; the node rebooted without a DEL (the record left
        /// with the old boot id, the device home, the namespace gone); the runtime starts the same
        /// container again. ADD succeeds, as the reference's does, and the old record's address is
        /// released first (IPAM gets its DEL). Before, 999 "container c1 already has an attachment".
        @Test func aRebootVoidsTheAttachment() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let before = linkTable(only: device)
            let first = try lab.namespace()
            let dir = Lab.root + "/ipam-reboot"
            sh("rm -rf \(dir)")
            defer { sh("rm -rf \(dir)") }
            let config = conf(device, extra: hostLocal(dir, "10.78.2.0/24"))
            #expect(plugin("ADD", config, netns: first).status == 0)
            let firstAddresses = allocations(dir)
            try markFromEarlierBoot(container: "c1")
            try rebootReturns(device, from: first)
            let again = try lab.namespace()
            let add = plugin("ADD", config, netns: again)
            #expect(add.status == 0, "the same container after a reboot: \(add.stdout)")
            #expect(link("net1", in: again) != nil)
            #expect(allocations(dir).count == 1, "one address, the old one released: \(firstAddresses) then \(allocations(dir))")
            let current = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(record(container: "c1")?["bootId"] as? String == current, "the new record is this boot's")
            #expect(plugin("DEL", config, netns: again).status == 0)
            #expect(allocations(dir).isEmpty && linkTable(only: device) == before)
        }

        /// The same boot: the pod's namespace died and gave the device back (under its pod name, alias
        /// kept, as a NIC comes back), the record left. The same container's next ADD brings the device
        /// home from the record and attaches it.
        @Test func aRecordWhoseNamespaceIsGoneDoesNotBlock() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let before = linkTable(only: device)
            let first = try lab.namespace()
            #expect(plugin("ADD", conf(device), netns: first).status == 0)
            try namespaceDiesReturning("net1", from: first)
            #expect(link("net1") != nil, "the device is in the host under its pod name")
            let again = try lab.namespace()
            let add = plugin("ADD", conf(device), netns: again)
            #expect(add.status == 0, "ADD after the namespace died: \(add.stdout)")
            #expect(link("net1", in: again) != nil && link("net1") == nil)
            #expect(plugin("DEL", conf(device), netns: again).status == 0)
            #expect(linkTable(only: device) == before)
        }

        /// A live attachment still refuses a second ADD of the same container and ifname, and is never
        /// taken for a voided one.
        @Test func aLiveRecordStillBlocks() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            #expect(plugin("ADD", conf(device), netns: ns).status == 0)
            let other = try lab.namespace()
            let twice = plugin("ADD", conf(device), netns: other)
            #expect(twice.code == 7 && twice.msg.contains("already attached to container c1"), "\(twice.stdout)")
            let second = try lab.device()
            let again = plugin("ADD", conf(second), netns: other)
            #expect(again.status == 1 && again.msg.contains("already has an attachment net1"), "\(again.stdout)")
            #expect(link("net1", in: ns) != nil && link(second) != nil && link("net1", in: other) == nil)
            // The container renamed its interface: still in place (its alias record and index say so).
            try must("nsenter --net=\(ns) ip link set net1 down && nsenter --net=\(ns) ip link set net1 name eth9")
            let renamed = plugin("ADD", conf(second), netns: other)
            #expect(renamed.status == 1 && renamed.msg.contains("already has an attachment net1"), "\(renamed.stdout)")
            #expect(link("eth9", in: ns) != nil && link(second) != nil)
            #expect(plugin("DEL", conf(device), netns: ns).status == 0)
        }

        /// DEL with a cold cache on a host where no probe can be made still brings the device home: from
        /// the pod, and from the host where a dying namespace left it under its pod name (CNI_NETNS empty).
        /// Before, DEL probed before it moved anything and failed 999.
        @Test func delWithoutAReportBringsTheDeviceHome() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let host = try NoProbeHost("del")
            defer { host.remove() }
            let device = try lab.device(mtu: 1400)
            let before = linkTable(only: device)
            let ns = try lab.namespace()
            #expect(plugin("ADD", conf(device), netns: ns).status == 0)
            try must("nsenter --net=\(ns) ip link set net1 mtu 1300")
            let fromPod = plugin("DEL", conf(device), netns: ns, env: host.env)
            #expect(fromPod.status == 0, "DEL from the pod: \(fromPod.stdout)")
            saysOnceWhyItHasNoReport(fromPod, "DEL")
            #expect(linkTable(only: device) == before)

            let dying = try lab.namespace()
            #expect(plugin("ADD", conf(device), netns: dying).status == 0)
            try namespaceDiesReturning("net1", from: dying)
            let fromHost = plugin("DEL", conf(device), netns: nil, env: host.env)
            #expect(fromHost.status == 0, "DEL of a device a dying namespace returned: \(fromHost.stdout)")
            #expect(linkTable(only: device) == before && link("net1") == nil)
        }

        /// CHECK from what the device carries when the state file is gone, as the reference's CHECK reads
        /// the alias; the device answers only to its own attachment.
        @Test func checkWorksFromTheAliasRecord() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let ns = try lab.namespace()
            let add = plugin("ADD", conf(device), netns: ns)
            #expect(add.status == 0)
            try must("rm \(Lab.stateDir)/lctest_c1_net1.json")
            let prev = conf(device, extra: ",\"prevResult\":\(add.stdout)")
            let check = plugin("CHECK", prev, netns: ns)
            #expect(check.status == 0, "CHECK without the state file: \(check.stdout)")
            let other = plugin("CHECK", prev, netns: ns, container: "c2")
            #expect(other.status == 1 && other.msg.contains("no attachment"), "another container's CHECK: \(other.stdout)")
            #expect(plugin("DEL", conf(device), netns: ns).status == 0)
            #expect(link(device) != nil)
        }

        /// The sequence seen: A attached the device; the host rebooted (device home under its name, A's
        /// namespace gone, A's record left); B attached the same device; a DEL of A without a namespace
        /// succeeds and drops A's record; a second DEL of A handed B's namespace path (paths are reused)
        /// must not move B's device out of B's pod, nor touch B's record. The reference moves it; we do
        /// not: the device's alias record names B's attachment (`for=`).
        @Test func aDelMovesOnlyItsOwnDevice() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let podA = try lab.namespace()
            #expect(plugin("ADD", conf(device), netns: podA, container: "A").status == 0)
            try markFromEarlierBoot(container: "A")
            try rebootReturns(device, from: podA)
            let before = linkTable(only: device)   // as the reboot left it (DOWN), which B records
            let podB = try lab.namespace()
            #expect(plugin("ADD", conf(device), netns: podB, container: "B").status == 0)
            let inB = link("net1", in: podB)
            #expect(inB != nil)

            let delA = plugin("DEL", conf(device), netns: nil, container: "A")
            #expect(delA.status == 0 && record(container: "A") == nil, "\(delA.stdout)")
            let delAinB = plugin("DEL", conf(device), netns: podB, container: "A")
            #expect(delAinB.status == 0, "\(delAinB.stdout)")
            #expect(link("net1", in: podB) == inB && link(device) == nil, "B's device stays in B's pod")
            #expect(record(container: "B") != nil, "B's record stays")

            // A's record still there (the runtime's DEL with B's path came first), naming the device's
            // index and MAC: the same.
            try must("cp \(Lab.stateDir)/lctest_B_net1.json \(Lab.stateDir)/lctest_A_net1.json"
                     + " && sed -i 's/\"containerID\":\"B\"/\"containerID\":\"A\"/' \(Lab.stateDir)/lctest_A_net1.json")
            let withRecord = plugin("DEL", conf(device), netns: podB, container: "A")
            #expect(withRecord.status == 0 && link("net1", in: podB) == inB, "A's record names the device's index and MAC, but B put it there")

            // GC meets A's record of an earlier boot naming B's namespace path: B's device stays.
            try must("cp \(Lab.stateDir)/lctest_B_net1.json \(Lab.stateDir)/lctest_A_net1.json"
                     + " && sed -i 's/\"containerID\":\"B\"/\"containerID\":\"A\"/' \(Lab.stateDir)/lctest_A_net1.json")
            try markFromEarlierBoot(container: "A")
            let gc = plugin("GC", conf(device, version: "1.1.0", extra: ",\"cni.dev/valid-attachments\":[{\"containerID\":\"B\",\"ifname\":\"net1\"}]"), netns: nil)
            #expect(gc.status == 0 && link("net1", in: podB) == inB && record(container: "A") == nil, "\(gc.stdout)")

            #expect(plugin("DEL", conf(device), netns: podB, container: "B").status == 0)
            #expect(linkTable(only: device) == before && record(container: "B") == nil)
        }
    }
}
