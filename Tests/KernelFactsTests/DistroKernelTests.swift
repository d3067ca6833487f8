import KernelFacts
import Testing

struct DistroKernelTests {
    @Test func debianVersionFromUname() {
        let uname = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.170-1 (2025-03-01)"
        #expect(DistroKernel.debianVersion(in: uname) == "Debian 6.1.170-1")
        #expect(DistroKernel.version(signature: nil, unameVersion: uname)?.source == .unameVersion)
        #expect(DistroKernel.debianVersion(in: "#1 SMP PREEMPT_DYNAMIC @0") == nil)
    }

    @Test func ubuntuSignatureWins() {
        let answer = DistroKernel.version(signature: "Ubuntu 5.15.0-91.101-generic 5.15.131\n",
                                          unameVersion: "#101-Ubuntu SMP")
        #expect(answer?.version == "Ubuntu 5.15.0-91.101-generic 5.15.131")
        #expect(answer?.source == .versionSignature)
    }

    @Test func osRelease() {
        let fields = OSReleaseFile.parse("""
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            # comment
            ID=debian
            VERSION_ID='12'
            NAME="A \\"quoted\\" name"
            """)
        #expect(fields["ID"] == "debian")
        #expect(fields["VERSION_ID"] == "12")
        #expect(fields["PRETTY_NAME"] == "Debian GNU/Linux 12 (bookworm)")
        #expect(fields["NAME"] == "A \"quoted\" name")
    }
}
