import ArgumentParser
import Capabilities
import Glibc
import Probe

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run the experiments in two anonymous scratch namespaces and report what the kernel did.",
        discussion: """
            Nothing on the host is touched: every link is made inside anonymous network namespaces that \
            vanish with the process. Needs CAP_SYS_ADMIN and CAP_NET_ADMIN: run as root, or rootless \
            inside `unshare -Ur --net`.
            """)

    @Flag(name: .long, help: "Print the report as JSON (the versioned format other tools consume).")
    var json = false

    func run() throws {
        let report: Report
        do {
            report = try Prober.run()
        } catch let error as ProbeError {
            printError("linkcaps: \(error)")
            throw ExitCode(2)
        }
        if json {
            print(try report.jsonString())
        } else {
            print(ProbeTable.render(report), terminator: "")
        }
    }
}

func printError(_ text: String) {
    var line = text
    if !line.hasSuffix("\n") { line += "\n" }
    fputs(line, stderr)
}
