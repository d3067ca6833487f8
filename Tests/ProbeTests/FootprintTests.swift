import TestSupport
import Capabilities
import Foundation
import Probe
import Testing

/// The probe leaves the host exactly as it found it: after a run, and after being killed at any step.
@Suite("Zero footprint (root)", .serialized, .enabled(if: TestEnvironment.isRoot, Comment(rawValue: TestEnvironment.rootReason)))
struct FootprintTests {
    @Test func aProbeLeavesNothingBehind() throws {
        let before = try HostFootprint.now()
        let report = try Prober.run()
        let after = try HostFootprint.now()
        #expect(report.capabilities.count == CapabilityID.allCases.count)
        // Only veth may be loaded without --load-modules (its module makes no device), and only when the
        // kernel has no other kind: this machine has veth built in, so nothing is.
        #expect(report.probe.modulesLoaded == nil, "nothing may be loaded here without --load-modules")
        #expect(after == before)
    }

    @Test(arguments: ["namespaces", "link", "request"])
    func killedAtAStepLeavesNothing(step: String) throws {
        let before = try HostFootprint.now()
        let heldBefore = heldNetworkNamespaces()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.linkcaps)
        process.arguments = ["probe", "--json", "--no-cache"]
        process.environment = ["LINKCAPS_TEST_PAUSE_AT": step, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var said = ""
        while !said.contains("paused at \(step)") {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        #expect(said.contains("linkcaps: paused at \(step)"))
        let itsNamespaces = Set(((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd")) ?? [])
            .compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/fd/\($0)") }
            .filter { $0.hasPrefix("net:[") })
        #expect(itsNamespaces.count >= 2, "the paused probe holds its scratch namespaces")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let after = try HostFootprint.now()
        #expect(after.links == before.links)
        #expect(after.modules == before.modules)
        #expect(after.namedNamespaces == before.namedNamespaces)
        #expect(after.mounts == before.mounts)
        let stillHeld = heldNetworkNamespaces().intersection(itsNamespaces).subtracting(heldBefore)
        #expect(stillHeld.isEmpty, "namespaces of the killed probe are still referenced: \(stillHeld)")
    }
}
