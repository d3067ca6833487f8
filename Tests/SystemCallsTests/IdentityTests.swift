import Glibc
import SystemCalls
import Testing
import TestSupport

/// The host facts and privilege, each against another reader of the same kernel interface.
@Suite struct IdentityTests {
    @Test func releaseAndBootIDAreTheKernels() throws {
        let identity = SystemIdentity.current()
        let release = try Subprocess.run(["uname", "-r"])
        #expect(release.status == 0)
        #expect(identity.release + "\n" == release.stdout)
        let version = try Subprocess.run(["uname", "-v"])
        #expect(identity.version + "\n" == version.stdout)
        let boot = try #require(readLines("/proc/sys/kernel/random/boot_id").first)
        #expect(identity.bootID == boot && boot.count == 36)
    }

    /// The effective set as /proc/self/status prints it (CapEff, hex).
    @Test func effectiveCapabilitiesAreCapEff() throws {
        let line = try #require(try readLines("/proc/self/status").first { $0.hasPrefix("CapEff:") })
        let printed = UInt64(line.dropFirst("CapEff:".count).trimmingLeadingSpace(), radix: 16)
        #expect(Privilege.effectiveCapabilities == printed)
        #expect(Privilege.hasNetAdmin == ((printed ?? 0) & (1 << 12) != 0))
        if TestEnvironment.isRoot && Privilege.inInitialUserNamespace { #expect(Privilege.isPrivileged) }
    }

    @Test func fnv1aMatchesTheReferenceVectors() {
        // From the FNV reference (draft-eastlake-fnv): FNV-1a 64 of "" and of "a".
        #expect(FNV1a.hex("") == "cbf29ce484222325")
        #expect(FNV1a.hex("a") == "af63dc4c8601ec8c")
        #expect(FNV1a.hex("foobar") == "85944171f73967e8")
    }
}

extension Substring {
    fileprivate func trimmingLeadingSpace() -> Substring { drop { $0 == " " || $0 == "\t" } }
}
