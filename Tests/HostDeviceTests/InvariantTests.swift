import Foundation
import Testing

/// The host never sees a name other than the device's original one, through ADD and DEL, for every
/// automatic strategy; the forced step-wise ones are shown to break it (so this test can fail).
extension Privileged {
    @Suite(.serialized) final class InvariantTests {
        var strategies: [String] = []

        func cycle(strategy: String?, occupyHostName: Bool = false, occupyOriginalInside: Bool = false)
            throws -> (add: [String], del: [String], addRun: PluginRun, delRun: PluginRun, after: String?)
        {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device()
            let netns = try lab.namespace()
            if occupyHostName { sh("nsenter --net=\(netns) ip link add \(device) type veth peer name lcz0") }
            let index = ifindex(device)
            let recorder = try HostRecorder()
            let extra = strategy.map { ",\"strategy\":\"\($0)\"" } ?? ""
            let add = plugin("ADD", conf(device, extra: extra), netns: netns)
            let addNames = try recorder.names(index: index)
            strategies.append(recordedStrategy() ?? "none")
            if occupyOriginalInside {
                sh("nsenter --net=\(netns) ip link del \(device) 2>/dev/null; nsenter --net=\(netns) ip link add \(device) type veth peer name lcz1")
            }
            let del = plugin("DEL", conf(device, extra: extra), netns: netns)
            let delNames = try recorder.names(index: index)
            return (addNames, delNames, add, del, link(device))
        }

        @Test func singleRequest() throws {
            let device = try cycle(strategy: nil)
            #expect(strategies == ["single-request"])
            #expect(device.addRun.status == 0, "\(device.addRun.stdout)")
            #expect(device.delRun.status == 0, "\(device.delRun.stdout)")
            #expect(Set(device.add + device.del).count == 1, "host saw \(device.add) then \(device.del)")
            #expect(device.after?.contains(",UP") == true, "back UP: \(device.after ?? "missing")")
        }

        @Test func scratchNamespaceAutomaticAndForced() throws {
            for (strategy, occupy) in [(nil, true), ("scratch-namespace", false)] as [(String?, Bool)] {
                let run = try cycle(strategy: strategy, occupyHostName: occupy, occupyOriginalInside: occupy)
                #expect(run.addRun.status == 0 && run.delRun.status == 0, "\(run.addRun.stdout) \(run.delRun.stdout)")
                #expect(Set(run.add + run.del).count == 1, "host saw \(run.add) then \(run.del)")
                #expect(run.after?.contains(",UP") == true)
            }
            // With the host name taken inside, the kernel renames in flight: the policy takes the single request
            // only where the probe saw the host keep its name even then.
            let onClash = cachedState("move.sourceSeesOnlyOriginalNameOnClash") == "supported" ? "single-request" : "scratch-namespace"
            #expect(strategies == [onClash, "scratch-namespace"])
        }

        /// A capability's state in the report the plugin cached for this run (header line, then the report).
        func cachedState(_ id: String) -> String? {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: Lab.cacheDir)) ?? [] where file.hasSuffix(".json") {
                guard let text = try? String(contentsOfFile: Lab.cacheDir + "/" + file, encoding: .utf8),
                      let body = text.split(separator: "\n", maxSplits: 1).last,
                      let report = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                      let result = (report["capabilities"] as? [String: Any])?[id] as? [String: Any] else { continue }
                return result["state"] as? String
            }
            return nil
        }

        @Test func forcedStepwiseStrategiesBreakIt() throws {
            let renameFirst = try cycle(strategy: "rename-then-move")
            #expect(renameFirst.addRun.status == 0)
            #expect(renameFirst.add.contains("net1"), "rename-then-move shows the temporary name: \(renameFirst.add)")
            let moveFirst = try cycle(strategy: "move-then-rename")
            #expect(moveFirst.delRun.status == 0)
            #expect(moveFirst.del.contains("net1"), "move-then-rename shows the container name on DEL: \(moveFirst.del)")
        }
    }
}
