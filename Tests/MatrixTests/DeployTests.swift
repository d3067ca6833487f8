import Foundation
import FleetOutput
import Testing
import TestSupport

/// deploy/daemonset.yaml must keep publishing where NFD and `linkcaps audit` look.
struct DeployTests {
    static let pythonHasYAML = (try? Subprocess.run(["python3", "-c", "import yaml"]).status) == 0

    @Test(.enabled(if: pythonHasYAML, "python3 has no yaml module"))
    func daemonSetMountsFeaturesAndReports() throws {
        let script = """
            import json, sys, yaml
            d = yaml.safe_load(open(sys.argv[1]))
            spec = d["spec"]["template"]["spec"]
            c = spec["containers"][0]
            print(json.dumps({"kind": d["kind"],
                "hostPaths": sorted(v["hostPath"]["path"] for v in spec["volumes"]),
                "mounts": sorted(m["mountPath"] for m in c["volumeMounts"]),
                "readOnly": sorted(m["mountPath"] for m in c["volumeMounts"] if m.get("readOnly")),
                "caps": c["securityContext"]["capabilities"]["add"],
                "script": c["args"][0]}))
            """
        let path = Support.packageRoot.appendingPathComponent("deploy/daemonset.yaml").path
        let (status, out, err) = try Support.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, path])
        #expect(status == 0, "\(err)")
        struct Shape: Decodable { var kind: String; var hostPaths, mounts, readOnly, caps: [String]; var script: String }
        let shape = try JSONDecoder().decode(Shape.self, from: Data(out.utf8))
        #expect(shape.kind == "DaemonSet")
        // The host's cache directory is the probe's default: the plugin on the host reads what the pod wrote.
        #expect(shape.hostPaths == [NFDFeatureFile.defaultDirectory, "/etc/os-release", "/run/linkcaps",
                                         "/var/lib/linkcaps/reports"])
        #expect(shape.mounts == shape.hostPaths)
        #expect(shape.readOnly == ["/etc/os-release"])
        #expect(shape.script.contains("--expires-after"))
        #expect(Set(shape.caps) == ["NET_ADMIN", "SYS_ADMIN"])
        #expect(shape.script.contains("linkcaps probe --json"))
        #expect(shape.script.contains("--format nfd --features-dir \(NFDFeatureFile.defaultDirectory)"))
    }
}

/// The DaemonSet's probe writes the host's /run/linkcaps; the plugin on the host must find that answer
/// (same cache key: boot id, kernel, schema, probe set, privilege) instead of probing on its first ADD.
struct DeployCacheTests {
    @Test(.enabled(if: TestEnvironment.isRoot, "needs root for namespaces and mounts; CI runs as root"))
    func podAnswerIsTheHostPluginsAnswer() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("linkcaps-deploy-\(UUID().uuidString)")
        let hostCache = dir.appendingPathComponent("run-linkcaps"), state = dir.appendingPathComponent("state")
        try fm.createDirectory(at: hostCache, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? fm.removeItem(at: dir) }
        let counter = dir.appendingPathComponent("probes").path
        // As the pod: its own mount, PID, UTS and IPC namespaces, the hostPath bound at the default cache path,
        // every capability but NET_ADMIN and SYS_ADMIN dropped (deploy/daemonset.yaml), the default cache.
        let pod = """
            mount -t tmpfs pod-run /run
            mkdir /run/linkcaps
            mount --bind "$HOST_CACHE" /run/linkcaps
            unset LINKCAPS_CACHE_DIR
            exec setpriv --bounding-set -all,+net_admin,+sys_admin --inh-caps -all "$LINKCAPS" probe --json
            """
        let (status, out, err) = try Support.run(URL(fileURLWithPath: "/usr/bin/unshare"),
            ["--mount", "--propagation", "private", "--pid", "--fork", "--mount-proc", "--uts", "--ipc", "--", "bash", "-euc", pod],
            environment: ["HOST_CACHE": hostCache.path, "LINKCAPS": Support.linkcaps.path, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("\"privileged\" : true"), "NET_ADMIN in the initial user namespace, as the plugin has")
        let files = try fm.contentsOfDirectory(atPath: hostCache.path).filter { $0.hasPrefix("report-") && $0.hasSuffix(".json") }
        #expect(files.count == 1, "\(files)")

        // On the host: the CLI and the plugin answer from that file; neither probes.
        let env = ["LINKCAPS_CACHE_DIR": hostCache.path, "LINKCAPS_TEST_PROBE_COUNTER": counter,
                   "LINKCAPS_STATE_DIR": state.path, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        let (s1, cached, e1) = try Support.run(Support.linkcaps, ["probe", "--json"], environment: env)
        #expect(s1 == 0, "\(e1)")
        #expect(cached.contains("\"source\" : \"cache\""), "the host's CLI did not find the pod's answer")
        let plugin = Support.linkcaps.deletingLastPathComponent().appendingPathComponent("linkcaps-host-device")
        let (s2, o2, e2) = try Support.run(plugin, [], stdin: Data(#"{"cniVersion":"1.1.0","name":"deploy","type":"linkcaps-host-device"}"#.utf8),
                                           environment: env.merging(["CNI_COMMAND": "STATUS", "CNI_PATH": "/usr/lib/cni"]) { $1 })
        #expect(s2 == 0, "\(o2 + e2)")
        #expect(!fm.fileExists(atPath: counter), "a probe ran on the host: \((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "")")
        #expect(try fm.contentsOfDirectory(atPath: hostCache.path).filter { $0.hasPrefix("report-") && $0.hasSuffix(".json") } == files)
    }
}
