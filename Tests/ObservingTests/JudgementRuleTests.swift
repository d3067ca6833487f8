import JSONText
import Observing
import Testing

/// The rules of the footprint, the comparison and the serial log's sections, case by case (the bats cases in
/// scripts/test-scripts.bats run the same rules through the built binary, as scripts/observe calls it).
struct JudgementRuleTests {
    static let witnessLog = SerialLog("""
        LINKCAPS-REPORT-BEGIN\r
        {}\r
        LINKCAPS-REPORT-END\r
        LINKCAPS-WITNESS-BEGIN\r
        WITNESS-TOOL iproute2 6.1.0\r
        WITNESS-KIND dummy\r
        WITNESS move.singleRequest supported an UP lcp0 (ifindex 10), one request\r
        [   12.345678] dummy: module loaded\r
        WITNESS altname.followsMove unsupported lc-probe-altname0 after the move\r
        WITNESS rename.whileUp supported\r
        WITNESS move.newIfindex inconclusive asked for ifindex 4242\r
        WITNESS move.netnsImmutableReported unwitnessed none was given\r
        WITNESS Bad Upper\r
        WITNESS-TIME 3.2\r
        LINKCAPS-WITNESS-END\r

        """)

    static func report(_ states: KeyValuePairs<String, String>) -> JSON {
        .object([("capabilities", .object(states.map { ($0.key, .object([("state", .string($0.value))])) }))])
    }

    @Test func witnessLinesInTheirOrderWithoutTheKernelsMessages() throws {
        let witness = WitnessVerdicts(lines: try Self.witnessLog.section("LINKCAPS-WITNESS-BEGIN", "LINKCAPS-WITNESS-END"))
        #expect(witness.tool == "iproute2 6.1.0")
        #expect(witness.kind == "dummy")
        #expect(witness.order == ["move.singleRequest", "altname.followsMove", "rename.whileUp", "move.newIfindex",
                                  "move.netnsImmutableReported"])
        #expect(witness.verdicts["rename.whileUp"] == .init(state: "supported", detail: ""))
        #expect(witness.verdicts["move.singleRequest"]?.detail == "an UP lcp0 (ifindex 10), one request")
    }

    @Test func sectionsNeedBothMarkersAndTheLastCompleteOneCounts() throws {
        let log = SerialLog("A\nx\nB\nA\ny\n[    1.5] kernel\n[x] kept\nB\nA\nz\n")
        #expect(try log.section("A", "B") == ["y", "[x] kept"])
        #expect(throws: SerialLog.SectionError.noBegin("C")) { try log.section("C", "B") }
        #expect(throws: SerialLog.SectionError.noEnd("A")) { try SerialLog("A\nz\n").section("A", "B") }
        #expect(SerialLog("LINKCAPS-EXIT-STATUS 1\r\nLINKCAPS-EXIT-STATUS 0\r\n").value("EXIT-STATUS") == "0")
        #expect(SerialLog("LINKCAPS-EXIT-STATUSX 1\n").value("EXIT-STATUS") == nil)
    }

    @Test func comparisonSaysWhyEachIdWasNotCompared() throws {
        let witness = WitnessVerdicts(lines: try Self.witnessLog.section("LINKCAPS-WITNESS-BEGIN", "LINKCAPS-WITNESS-END"))
        let probe = ProbeAnswers(report: Self.report(["move.singleRequest": "supported", "altname.followsMove": "supported",
                                                      "rename.whileUp": "inconclusive", "move.newIfindex": "supported",
                                                      "move.fromTheFuture": "skipped"]))
        let comparison = WitnessComparison(probe: probe, witness: witness)
        #expect(!comparison.agrees)
        #expect(comparison.compared == ["move.singleRequest", "altname.followsMove"])
        #expect(comparison.disagreements == ["altname.followsMove"])
        #expect(comparison.notCompared.map { "\($0.id)=\($0.why)" } == [
            "rename.whileUp=probe: inconclusive",
            "move.newIfindex=witness: inconclusive: asked for ifindex 4242",
            "move.netnsImmutableReported=not reported by the probe (a binary without this question)",
            "move.fromTheFuture=the witness has no case for it",
        ])
        #expect(comparison.lines(probe: probe, witness: witness).first
            == "DISAGREE altname.followsMove: probe supported, witness unsupported (lc-probe-altname0 after the move)")
        #expect(comparison.summary == "agrees on 1 of 2 compared")
        // Read back as scripts/observe keeps it, it is the same comparison.
        #expect(try WitnessComparison(json: JSON.parse(comparison.json.text)) == comparison)
        #expect(comparison.shortfalls(probe: probe, catalogue: ["move.singleRequest", "move.mtuMacInSameRequest"]).contains(
            "move.mtuMacInSameRequest: not in the report"))
        #expect(comparison.shortfalls(probe: probe, catalogue: ["move.singleRequest"]).last == "rename.whileUp: not in the catalogue")
    }

    @Test func footprintNamesEverythingGainedOrLostButTheAllowedModules() {
        let before = Snapshot(lines: ["link 1 lo", "module veth", "mount /proc proc"])
        let fine = FootprintRun(before: before, after: Snapshot(lines: ["link 1 lo", "module dummy", "module veth", "mount /proc proc"]),
                                command: "linkcaps probe --load-modules", exitStatus: "0", allowedModules: ["dummy"])
        #expect(fine.ok && fine.modules.gained == ["dummy"])
        let bad = FootprintRun(before: before, after: Snapshot(lines: ["link 3 ifb0", "module dummy", "module ifb", "netns lcw1",
                                                                       "mount /run/netns tmpfs"]),
                               command: "linkcaps probe --load-modules", exitStatus: "0", allowedModules: ["dummy"])
        #expect(bad.problems == [
            "new link ifb0 (ifindex 3) in the initial namespace", "link lo (ifindex 1) gone from the initial namespace",
            "module ifb loaded but not listed in the report", "module veth unloaded", "named namespace lcw1 left in /run/netns",
            "new mount /run/netns tmpfs", "mount /proc proc removed",
        ])
        let plain = FootprintRun(before: before, after: Snapshot(lines: ["link 1 lo", "module dummy", "module veth", "mount /proc proc"]),
                                 command: "linkcaps probe --json --no-cache", exitStatus: "", allowedModules: [])
        #expect(plain.problems == ["module dummy loaded without --load-modules"])
        #expect(plain.json["exitStatus"] == .string(""))
        #expect(fine.json["exitStatus"] == .number("0"))
        #expect(fine.json["kernelLog"] == nil && fine.json["probe"] == nil && fine.json["gained"]?["run"] == nil)
    }

    @Test func kernelLogRules() {
        let before = Snapshot(lines: ["link 1 lo", "kmsg <6>[    1.000000] virtio_net virtio0 eth0: renamed"])
        let quiet = FootprintRun(before: before, after: Snapshot(lines: before.items + [
            "kmsg <6>[    2.000000] lcf0: renamed from lcp0", "kmsg <6>[    2.100000] lcf0: renamed from lcp0 (while UP)",
            "kmsg <5>[    2.200000] random: crng init done", "kmsg <4>[    2.300000] hrtimer: interrupt took 74484870 ns",
            "kmsg <4>[    2.400000] clocksource: tsc unstable", "kmsg <6>[    2.500000] mylcp0x: not ours",
        ]), command: "linkcaps probe --json --no-cache", exitStatus: "0", allowedModules: [])
        #expect(quiet.problems == [])
        #expect(quiet.kernelLog?.count == 6)
        #expect(quiet.kernelLog?.first == "<6> lcf0: renamed from lcp0")
        let warning = "A link change request failed with some changes committed already. Interface lcp0 may be inconsistent."
        let noisy = Snapshot(lines: before.items + ["kmsg <4>[    3.000000] \(warning)", "kmsg <6>[    3.1] lck0p: something",
                                                    "kmsg <3>[    3.2] BUG: a kernel error", "kmsg <7>[ 3.3] (lc-probe-altname0)",
                                                    "kmsg no prefix names lcq0"])
        let plain = FootprintRun(before: before, after: noisy, command: "linkcaps probe --json --no-cache", exitStatus: "0", allowedModules: [])
        #expect(plain.problems == [
            "kernel log, level 4: \(warning)", "kernel log names a probe link: lck0p: something",
            "kernel log, level 3: BUG: a kernel error", "kernel log names a probe link: (lc-probe-altname0)",
            "kernel log names a probe link: no prefix names lcq0",
        ])
        let asked = FootprintRun(before: before, after: noisy, command: "linkcaps probe --json --all", exitStatus: "0", allowedModules: [])
        #expect(!asked.problems.contains { $0.contains("A link change request failed") })
        #expect(asked.problems.count == plain.problems.count - 1)
    }

    @Test func hostRunJudgesOnlyItsOwn() {
        let before = Snapshot(sorting: ["link 1 lo", "link 7185 lcpB", "mount /proc proc", "run /run/dbus"])
        let after = Snapshot(sorting: ["link 1 lo", "link 9 lcp0", "link 10 lcp0p", "link 11 lcpX", "link 12 lck0", "link 13 lcwk0p",
                                     "mount /proc proc", "netns cni-1", "run /run/netns/lcws1", "run /run/netns/cni-1", "run /run/podman"])
        let run = HostFootprint.judge(before: before, after: after, command: "linkcaps probe", exitStatus: "0")
        #expect(run.problems == ["new link lcp0p (ifindex 10) in the initial namespace", "new link lck0 (ifindex 12) in the initial namespace",
                                 "new link lcwk0p (ifindex 13) in the initial namespace",
                                 "new link lcp0 (ifindex 9) in the initial namespace", "new file /run/netns/lcws1"])
        #expect(run.unattributed?.map { "\($0.kind)=\($0.count)" } == ["link=2", "netns=1", "run=3"])
        let same = HostFootprint.judge(before: before, after: before, command: "linkcaps probe", exitStatus: "0")
        #expect(same.ok && same.json["gained"]?["run"] == .array([]) && same.json["unattributed"] == .object([]))
        #expect(Footprint(runs: [run, same]).lines.last == "footprint of `linkcaps probe`: nothing left behind (other work meanwhile: none)")
        #expect(Footprint(runs: [run, same]).failure.hasPrefix("`linkcaps probe`: new link lcp0p"))
    }

    @Test func prettyTextIsJqsLayout() throws {
        let value = try JSON.parse(#"{"a":[],"b":{},"c":[1,{"d":null}],"e":"\b\f\u007f\u0001é/\"\\","n":1.50}"#)
        #expect(value.prettyText == """
            {
              "a": [],
              "b": {},
              "c": [
                1,
                {
                  "d": null
                }
              ],
              "e": "\\b\\f\\u007f\\u0001é/\\"\\\\",
              "n": 1.50
            }

            """)
    }
}
