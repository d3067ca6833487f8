import Foundation
import PackagePlugin

/// Carries matrix/catalogue.json and matrix/observations/*.json into the Matrix target at build time, so the
/// repository holds each document once (under matrix/) and an installed `linkcaps` still answers from any
/// directory. A build tool, not `.embedInCode`: SwiftPM embeds a resource as an array literal of byte
/// values, which took minutes to type-check for these 385 kB, while string literals compile in seconds.
@main
struct BuiltinDataPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let matrix = context.package.directoryURL.appending(path: "matrix")
        let observations = matrix.appending(path: "observations")
        // Listed here, not globbed by the tool, so that adding or changing an observation reruns the command.
        let names = try FileManager.default.contentsOfDirectory(atPath: observations.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        let inputs = [matrix.appending(path: "catalogue.json")] + names.map { observations.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinData.swift")
        return [.buildCommand(displayName: "Embedding the catalogue and observations in \(target.name)",
                              executable: try context.tool(named: "BuiltinDataGenerator").url,
                              arguments: [output.path] + inputs.map(\.path),
                              inputFiles: inputs, outputFiles: [output])]
    }
}
