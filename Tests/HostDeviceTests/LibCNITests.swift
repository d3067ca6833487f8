import Foundation
import Glibc
import Testing

extension Privileged {
    /// The plugin driven through libcni, as containerd, CRI-O and Podman drive it: ADD, CHECK, DEL from a
    /// network configuration list, with libcni's own result cache between them.
    @Suite(.serialized) struct LibCNITests {
        /// Built once; a failed build fails each test that needs it, with the compiler's output.
        static let driver: Result<String, HarnessFailure> = {
            let output = Lab.root + "/libcni-driver"
            let source = packageRoot + "/Tests/HostDeviceTests/LibCNIDriver/main.go"
            let build = sh("cd \(Lab.root) && GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE=\(Lab.root)/go-cache "
                           + "go build -o \(output) \(source) 2>&1")
            guard build.status == 0 else {
                return .failure(HarnessFailure("building the libcni driver (apt: golang-go golang-github-appc-cni-dev): \(build.output)"))
            }
            return .success(output)
        }()

        func runtime(_ command: String, _ conflist: String, netns: String, container: String = "libcni1") throws
            -> (status: Int32, output: String)
        {
            let cache = Lab.root + "/libcni-cache"
            let env = "LINKCAPS_STATE_DIR=\(Lab.stateDir) LINKCAPS_CACHE_DIR=\(Lab.cacheDir)"
            let pluginDir = packageRoot + "/.build/debug"
            return sh("\(env) \(try Self.driver.get()) \(command) \(conflist) \(pluginDir) \(cache) \(container) \(netns) net1 2>&1")
        }

        @Test func addCheckDelThroughLibcni() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device(up: true), netns = try lab.namespace()
            let conflist = Lab.root + "/libcni-\(device).conflist"
            try """
                {"cniVersion": "1.0.0", "name": "lctest-libcni",
                 "plugins": [{"type": "linkcaps-host-device", "device": "\(device)"}]}
                """.write(toFile: conflist, atomically: true, encoding: .utf8)
            defer { unlink(conflist) }

            let added = try runtime("add", conflist, netns: netns)
            try #require(added.status == 0, "\(added.output)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(added.output.utf8)) as? [String: Any])
            #expect(result["cniVersion"] as? String == "1.0.0")
            let interfaces = result["interfaces"] as? [[String: Any]] ?? []
            #expect(interfaces.contains { $0["name"] as? String == "net1" && $0["sandbox"] as? String == netns })
            #expect(link(device) == nil, "gone from the host")
            #expect(link("net1", in: netns)?.contains(",UP") == true, "in the container as net1, UP")

            let checked = try runtime("check", conflist, netns: netns)
            #expect(checked.status == 0, "\(checked.output)")

            // CHECK must notice when the container lost the interface.
            sh("nsenter --net=\(netns) ip link set dev net1 name net9")
            #expect(try runtime("check", conflist, netns: netns).status != 0)
            sh("nsenter --net=\(netns) ip link set dev net9 name net1")

            let deleted = try runtime("del", conflist, netns: netns)
            #expect(deleted.status == 0, "\(deleted.output)")
            #expect(link(device)?.contains(",UP") == true, "back in the host under its name, UP")
            #expect(link("net1", in: netns) == nil)
            #expect(try runtime("del", conflist, netns: netns).status == 0, "DEL again succeeds")
        }
    }
}
