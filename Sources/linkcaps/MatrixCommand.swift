import ArgumentParser
import Matrix

struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Kernels × capabilities: what each observed kernel did, against what its version implies.",
        discussion: """
            Cells are observed (from the observations built into this binary: matrix/observations at build \
            time) or, where a kernel lacks a capability, inferred from the catalogue's first release. A \
            kernel whose observations contradict the inference is flagged: that is how backports and \
            regressions show.
            """)

    @Option(help: "table, markdown, csv, json or html.")
    var format: OutputFormat = .table

    @Option(help: "Directory of observation files (<release>.json) to use instead of the built-in ones.")
    var observations: String?

    @Option(help: "A capability catalogue to use instead of the built-in one (matrix/catalogue.json at build time).")
    var catalogue: String?

    func run() throws {
        let catalogue = try MatrixInput.catalogue(self.catalogue)
        var loaded: [(source: String, observation: Observation)] = []
        for (name, bytes) in MatrixInput.observationFiles(observations) {
            do {
                loaded.append((name, try Observation.decode(bytes)))
            } catch {
                printError("linkcaps: skipping \(name): \(error)")
            }
        }
        guard !loaded.isEmpty else { throw ValidationError("no observations under \(observations ?? "(built in)")") }
        let matrix = CompatibilityMatrix(catalogue: catalogue, observations: loaded)
        print(try matrix.render(format, catalogue: catalogue, colour: format == .table && MatrixInput.colourOnStdout),
              terminator: "")
    }
}
