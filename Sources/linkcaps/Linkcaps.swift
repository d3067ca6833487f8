import ArgumentParser
import Capabilities

@main
struct Linkcaps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linkcaps",
        abstract: "Finds out, by trying it, what this kernel does when a link is moved to another network namespace and renamed.",
        version: ToolVersion.current,
        subcommands: [ProbeCommand.self, PlanCommand.self, MatrixCommand.self, AuditCommand.self, ObservationCommand.self],
        defaultSubcommand: ProbeCommand.self)
}
