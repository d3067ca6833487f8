import Capabilities
import Glibc
import Probe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the plugin gets the kernel's capability report. Stop-gap until the per-boot CapabilityCache
/// lands: a report saved beside the state, reused while the boot id matches, else one probe.
public enum ReportSource {
    public static func report(stateDirectory: String) throws -> Report {
        let path = stateDirectory + "/report.json"
        let boot = SystemIdentity.current().bootID
        if let text = readFile(path), let report = try? Report.decode(Data(text.utf8)), report.bootId == boot {
            return report
        }
        var report = try Prober.run()
        report.source = .probe
        if let text = try? report.jsonString(pretty: false) {
            let temporary = path + ".\(getpid())"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            if fd >= 0 {
                let bytes = Array(text.utf8)
                let ok = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
                close(fd)
                if !ok || rename(temporary, path) != 0 { unlink(temporary) }
            }
        }
        return report
    }
}
