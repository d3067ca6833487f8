import Foundation
import FleetOutput
import XCTest

/// deploy/daemonset.yaml must keep publishing where NFD and `linkcaps audit` look.
final class DeployTests: XCTestCase {
    func testDaemonSetMountsFeaturesAndReports() throws {
        let script = """
            import json, sys
            try:
                import yaml
            except ImportError:
                print("SKIP"); sys.exit(0)
            d = yaml.safe_load(open(sys.argv[1]))
            spec = d["spec"]["template"]["spec"]
            c = spec["containers"][0]
            print(json.dumps({"kind": d["kind"],
                "hostPaths": sorted(v["hostPath"]["path"] for v in spec["volumes"]),
                "mounts": sorted(m["mountPath"] for m in c["volumeMounts"]),
                "caps": c["securityContext"]["capabilities"]["add"],
                "script": c["args"][0]}))
            """
        let path = Support.packageRoot.appendingPathComponent("deploy/daemonset.yaml").path
        let (status, out, err) = try Support.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, path])
        XCTAssertEqual(status, 0, err)
        if out.hasPrefix("SKIP") { throw XCTSkip("python3 has no yaml module") }
        struct Shape: Decodable { var kind: String; var hostPaths, mounts, caps: [String]; var script: String }
        let shape = try JSONDecoder().decode(Shape.self, from: Data(out.utf8))
        XCTAssertEqual(shape.kind, "DaemonSet")
        XCTAssertEqual(shape.hostPaths, [NFDFeatureFile.defaultDirectory, "/var/lib/linkcaps/reports"])
        XCTAssertEqual(shape.mounts, shape.hostPaths)
        XCTAssertEqual(Set(shape.caps), ["NET_ADMIN", "SYS_ADMIN"])
        XCTAssertTrue(shape.script.contains("linkcaps probe --json"))
        XCTAssertTrue(shape.script.contains("--format nfd --features-dir \(NFDFeatureFile.defaultDirectory)"))
    }
}
