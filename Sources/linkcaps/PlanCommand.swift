import ArgumentParser
import Foundation
import HostDevice
import Policy

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show how linkcaps-host-device would move a device, and why, without doing it.")

    @Option(help: "The device: a host link (in), or the link inside the namespace (with --out).")
    var device: String
    @Option(help: "The container's network namespace (a path such as /run/netns/NAME).")
    var netns: String
    @Option(help: "The name wanted in the container (in), or the original name to restore (out).")
    var name: String?
    @Flag(help: "Plan the way back out to the host (DEL) instead of the way in (ADD).")
    var out = false
    @Option(help: "Force a strategy: \(Strategy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var strategy: String?
    @Flag(help: "Print the plan as JSON (schemas/plan.schema.json).")
    var json = false

    func run() throws {
        var forced: Strategy?
        if let strategy {
            guard let s = Strategy(rawValue: strategy) else { throw ValidationError("unknown strategy \(strategy)") }
            forced = s
        }
        let plan: Plan
        do {
            plan = try PlanPreview.plan(device: device, netns: netns, name: name, out: out, forced: forced)
        } catch {
            printError("linkcaps: \(error)")
            throw ExitCode(1)
        }
        if json {
            print(try PlanDocument(plan: plan).json())
        } else {
            print(render(plan), terminator: "")
        }
    }

    func render(_ plan: Plan) -> String {
        var text = "strategy: \(plan.strategy.rawValue)\(plan.forced ? " (forced)" : "")  direction: \(plan.direction.rawValue)\n"
        if plan.knowledge == .unknown { text += "knowledge: unknown — \(plan.knowledgeReason ?? "no capability report")\n" }
        text += "steps:\n" + plan.steps.enumerated().map { "  \($0.offset + 1). \($0.element)\n     \($0.element.purpose)\n" }.joined()
        text += "seen:\n" + plan.views.map { "  \($0.namespace.rawValue): \($0.names.joined(separator: " → "))\n" }.joined()
        text += "host invariant: \(plan.keepsHostInvariant ? "kept (only \(plan.hostName))" : "BROKEN")\n"
        text += "reasons:\n" + plan.reasons.map { "  - \($0)\n" }.joined()
        if !plan.hazards.isEmpty { text += "hazards:\n" + plan.hazards.map { "  - \($0)\n" }.joined() }
        if let recovery = plan.recovery { text += "recovery: \(recovery)\n" }
        return text
    }
}
