import Capabilities
import FleetOutput
import Foundation
import Matrix
import Testing
import TestSupport

/// `linkcaps audit` over `kubectl get nodes -o json`: the labels the DaemonSet publishes through NFD.
struct NodeListAuditTests {
    static let fixture = "Tests/MatrixTests/Fleet/nodes.json"

    func audit(_ bytes: [UInt8], source: String = "nodes") -> FleetAudit {
        var auditor = FleetAuditor(catalogue: try! Builtin.catalogue())
        bytes.withUnsafeBytes { auditor.addNodeList($0, source: source) }
        return auditor.result()
    }

    @Test func realisticNodeList() throws {
        let result = audit(try Support.bytes(Self.fixture))
        #expect(result.nodes?.listed == 8)
        #expect(result.nodes?.unlabelled == 1)
        #expect(result.nodes?.stale == 1)
        #expect(result.nodes?.named.map(\.source) == ["nodes:node/node-d", "nodes:node/node-e"])
        #expect(result.nodes?.named.last?.reason == "stale: labels describe kernel 6.1.0-47-cloud-amd64, the node runs 6.1.0-56-cloud-amd64")
        #expect(result.reports == 6, "six labelled nodes, one of them malformed")
        #expect(result.hosts == 5)
        #expect(result.malformed.map(\.source) == ["nodes:node/node-f"])
        #expect(result.malformed.first?.reason == "label linkcaps.io/rename.whileUp=maybe: unknown state")
        #expect(result.unknownCapabilities == ["move.fromTheFuture": 1])
        #expect(result.groups.map(\.release) == ["6.1.0-47-cloud-amd64", "6.1.0-56-cloud-amd64",
                                                      "6.12.96+deb13-cloud-amd64", "7.3-cloud-amd64"])
        let trixie = try #require(result.groups.first { $0.release == "6.12.96+deb13-cloud-amd64" })
        #expect(trixie.hosts == 2)
        #expect(trixie.distro == "debian 13", "from NFD's system-os_release labels")
        let bookworm = try #require(result.groups.first { $0.release == "6.1.0-56-cloud-amd64" })
        #expect(bookworm.kernelVersion == "6.1.192", "from the linkcaps.io/distro-kernel label")
        let inconclusive = try #require(result.groups.first { $0.release == "6.1.0-47-cloud-amd64" })
        #expect(inconclusive.inconclusiveHosts == 1)
        #expect(inconclusive.inconclusiveExamples == ["nodes:node/node-h (boot 5eed0008-0008-4008-8008-000000000008)"])
    }

    /// Labels written by NFDFeatureFile for every observed kernel, read back from a node list, audit exactly
    /// as the reports themselves do (same groups, counts, inference and strategies).
    @Test func labelsAuditLikeTheReportsTheyCameFrom() throws {
        var items: [[String: Any]] = []
        var fromReports = FleetAuditor(catalogue: try Builtin.catalogue())
        for (index, (name, bytes)) in Builtin.observationFiles.enumerated() {
            let report = try Observation.decode(bytes).report
            var labels: [String: String] = [:]
            for line in NFDFeatureFile.render(report, expiry: NFDExpiry.directive(after: 3600)).split(separator: "\n")
                where !line.hasPrefix("#") {
                let parts = line.split(separator: "=", maxSplits: 1)
                labels[String(parts[0])] = String(parts[1])
            }
            if let os = report.facts?.osRelease {
                labels["feature.node.kubernetes.io/system-os_release.ID"] = os.id
                labels["feature.node.kubernetes.io/system-os_release.VERSION_ID"] = os.versionId
            }
            items.append(["apiVersion": "v1", "kind": "Node",
                          "metadata": ["name": "n\(index)", "labels": labels],
                          "status": ["nodeInfo": ["kernelVersion": report.kernel.release, "bootID": report.bootId]]])
            try Array(report.jsonData(pretty: false)).withUnsafeBytes { fromReports.add($0, source: { name }) }
        }
        let list = try JSONSerialization.data(withJSONObject: ["apiVersion": "v1", "kind": "List", "items": items])
        let fromNodes = audit(Array(list))
        let reports = fromReports.result()
        #expect(fromNodes.hosts == reports.hosts)
        #expect(fromNodes.malformedCount == 0)
        #expect(fromNodes.nodes?.unlabelled == 0)
        #expect(fromNodes.groups.count == reports.groups.count)
        for (node, report) in zip(fromNodes.groups, reports.groups) {
            #expect(node.release == report.release)
            #expect(node.distro == report.distro)
            #expect(node.kernelVersion == report.kernelVersion)
            #expect(node.capabilities == report.capabilities, "\(node.release)")
            #expect(node.inferred == report.inferred, "\(node.release)")
            #expect(node.strategies == report.strategies, "\(node.release)")
            #expect(node.disagreements == report.disagreements, "\(node.release)")
        }
    }

    @Test func aPINodeListWithoutItemKinds() throws {
        let list = #"{"kind":"NodeList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"a","labels":{"linkcaps.io/kernel":"6.12.96_deb13-cloud-amd64","linkcaps.io/rename.whileUp":"supported"}}}]}"#
        let result = audit(Array(list.utf8))
        #expect(result.hosts == 1)
        #expect(result.groups.first?.release == "6.12.96_deb13-cloud-amd64", "without nodeInfo, the label's release")
        #expect(result.groups.first?.capabilities["rename.whileUp"]?.supported == 1)
        #expect(result.groups.first?.capabilities["move.singleRequest"]?.missing == 1)
    }

    @Test func whatIsNotANodeList() throws {
        for (text, reason) in [
            (#"{"apiVersion":"v1","kind":"PodList","items":[]}"#, "not a node list (kind PodList; want `kubectl get nodes -o json`)"),
            (#"{"apiVersion":"v1","kind":"List"}"#, "a List without items"),
            (#"{"apiVersion":"v1","kind":"List","items":[{"metadata":{"name":"a"}}"#, "truncated JSON"),
        ] {
            let result = audit(Array(text.utf8), source: "x.json")
            #expect(result.malformed.map(\.source) == ["x.json"])
            #expect(result.malformed.first?.reason.hasPrefix(reason) == true, "\(result.malformed)")
            #expect(result.hosts == 0)
        }
        let oddItems = #"{"apiVersion":"v1","kind":"List","items":[7,{"kind":"Pod","metadata":{"name":"p"}},{"metadata":{"name":"b","labels":{"linkcaps.io/move.singleRequest":"supported"}}},{"metadata":{"name":"c","labels":{"linkcaps.io/kernel":{"x":1}}}},{"metadata":{"name":"d","labels":{"linkcaps.io/Not_AnId":"supported","linkcaps.io/kernel":"k"}}}]}"#
        let result = audit(Array(oddItems.utf8), source: "x")
        #expect(result.malformed.map(\.source) == ["x:items[0]", "x:node/p", "x:node/b", "x:node/c", "x:node/d"])
        #expect(result.malformed.map(\.reason) == [
            "not an object", "a Pod, not a Node",
            "no linkcaps.io/kernel label and no status.nodeInfo.kernelVersion",
            "label linkcaps.io/kernel is not a short string", "label linkcaps.io/Not_AnId: not a capability id"])
    }

    @Test func detection() {
        func kubernetes(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes(NodeListReader.looksLikeKubernetesObject) }
        #expect(kubernetes("{\n    \"apiVersion\": \"v1\",\n    \"items\": []"))
        #expect(kubernetes(#"{"items":[],"kind":"List"}"#))
        #expect(!kubernetes(#"{"bootId":"x","apiVersion":"v1"}"#))
        #expect(!kubernetes(#"{"schemaVersion":1,"kind":"List"}"#))
        #expect(!kubernetes("[]"))
        #expect(!kubernetes(""))
    }

    /// The CLI: a node list as a file, on stdin (pretty, as kubectl prints it), and forced with --nodes.
    @Test func commandLine() throws {
        let file = try output(["audit", "--format", "json", Self.fixture])
        let stdin = try output(["audit", "--format", "json", "-"], stdin: Data(Support.bytes(Self.fixture)))
        #expect(stdin.replacingOccurrences(of: "<stdin>", with: Self.fixture) == file)
        let decoded = try JSONDecoder().decode(FleetAudit.self, from: Data(file.utf8))
        #expect(decoded.nodes?.listed == 8)
        // Compact, one line, after a report file: auto-detected per input.
        let compact = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(Support.bytes(Self.fixture))),
                                                 options: [.sortedKeys])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let listFile = dir.appendingPathComponent("cluster.txt")
        try compact.write(to: listFile)
        let mixed = try JSONDecoder().decode(FleetAudit.self, from: Data(try output(
            ["audit", "--format", "json", "Tests/MatrixTests/Fleet/host-a/report.json", listFile.path]).utf8))
        #expect(mixed.hosts == 6)
        #expect(mixed.nodes?.listed == 8)
        // --nodes: a report read as a node list is refused as one.
        let forced = try JSONDecoder().decode(FleetAudit.self, from: Data(try output(
            ["audit", "--nodes", "--format", "json", "Tests/MatrixTests/Fleet/host-a/report.json"]).utf8))
        #expect(forced.malformed.first?.reason == "not a node list (kind missing; want `kubectl get nodes -o json`)")
        for format in OutputFormat.allCases {
            try Support.assertGolden(try output(["audit", "--format", format.rawValue, Self.fixture]), "audit-nodes.\(format.rawValue)")
        }
    }

    /// Each kind of document is held to its own limit, and told apart before it is read whole.
    @Test func sizeLimits() throws {
        func reasons(_ arguments: [String], stdin: Data? = nil) throws -> [String] {
            try JSONDecoder().decode(FleetAudit.self, from: Data(output(["audit", "--format", "json"] + arguments, stdin: stdin).utf8))
                .malformed.map(\.reason)
        }
        #expect(try reasons(["--max-node-list-bytes", "4096", Self.fixture]) == ["larger than 4096 bytes"])
        #expect(try reasons(["--max-node-list-bytes", "4096", "-"], stdin: Data(Support.bytes(Self.fixture))) == ["larger than 4096 bytes"])
        #expect(try reasons(["--max-report-bytes", "1024", "Tests/MatrixTests/Fleet/host-a/report.json"]) == ["larger than 1024 bytes"])
        // The node list is far larger than a report may be: its own limit applies.
        #expect(try reasons(["--max-report-bytes", "1024", Self.fixture]) == ["label linkcaps.io/rename.whileUp=maybe: unknown state"])
    }

    func output(_ arguments: [String], stdin: Data? = nil) throws -> String {
        let (status, out, err) = try Support.run(Support.linkcaps, arguments, stdin: stdin)
        #expect(status == 0, "\(err)")
        return out
    }
}
