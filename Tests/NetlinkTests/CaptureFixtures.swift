import TestSupport
import Glibc
import Namespaces
@testable import Netlink
import Testing

/// Regenerates Fixtures/netlink/<release>/ from this machine's kernel:
///   LINKCAPS_CAPTURE_FIXTURES=1 swift test --filter CaptureFixtures
/// Each file holds one datagram per line, in hex, exactly as the kernel sent it.
@Suite("Capture netlink fixtures (opt-in)")
struct CaptureFixtures {
    static let enabled = TestEnvironment.isRoot && getenv("LINKCAPS_CAPTURE_FIXTURES") != nil

    @Test(.enabled(if: enabled, "opt-in: set LINKCAPS_CAPTURE_FIXTURES=1 as root to regenerate the fixtures"))
    func capture() throws {
        let source = try NetworkNamespace.makeScratch(), target = try NetworkNamespace.makeScratch()
        let sourceRequests = try source.openRouteSocket(), targetRequests = try target.openRouteSocket()
        let sourceEvents = try source.openRouteSocket(), targetEvents = try target.openRouteSocket()
        try sourceEvents.subscribeToLinkEvents()
        try targetEvents.subscribeToLinkEvents()
        var captured: [String: [String]] = [:]
        func record(_ name: String, _ socket: RouteSocket) {
            socket.datagramObserver = { bytes in captured[name, default: []].append(bytes.map(hex2).joined()) }
        }
        try sourceRequests.perform(.create(name: "lcp0", kind: "veth", peerName: "lcp0p", up: true))
        let link = try #require(try sourceRequests.link(named: "lcp0"))
        try sourceRequests.perform(.addAltName(index: link.index, "lc-probe-altname0"))
        try targetRequests.perform(.create(name: "lcq0", kind: "veth", peerName: "lcq0p"))
        _ = try sourceEvents.events(timeoutMilliseconds: 0)
        _ = try targetEvents.events(timeoutMilliseconds: 0)
        record("source-events", sourceEvents)
        record("target-events", targetEvents)
        try sourceRequests.perform(.change(index: link.index, netnsFD: target.fd, name: "lcf0"))
        _ = try sourceEvents.events(timeoutMilliseconds: 0)
        _ = try targetEvents.events(timeoutMilliseconds: 0)
        record("getlink-reply", targetRequests)
        _ = try targetRequests.link(named: "lcf0")
        targetRequests.datagramObserver = nil
        // An altname clash in the target: refused with EEXIST and an extended-ack text.
        try sourceRequests.perform(.create(name: "lcz0", kind: "veth", peerName: "lcz0p"))
        let clashing = try #require(try sourceRequests.link(named: "lcz0"))
        let bystander = try #require(try targetRequests.link(named: "lcq0"))
        try sourceRequests.perform(.addAltName(index: clashing.index, "lc-clash0"))
        try targetRequests.perform(.addAltName(index: bystander.index, "lc-clash0"))
        sourceEvents.datagramObserver = nil
        record("error-eexist-extack", sourceRequests)
        _ = try? sourceRequests.perform(.change(index: clashing.index, netnsFD: target.fd, name: "lcz1"))

        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let directory = TestEnvironment.fixture("netlink/\(release)")
        mkdir(TestEnvironment.fixture("netlink"), 0o755)
        mkdir(directory, 0o755)
        for (file, lines) in captured {
            let text = "# captured from kernel \(release) by CaptureFixtures\n" + lines.joined(separator: "\n") + "\n"
            let handle = fopen(directory + "/\(file).hex", "w")!
            fputs(text, handle)
            fclose(handle)
        }
    }
}
