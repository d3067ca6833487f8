import ArgumentParser
import Matrix

struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Kernels × capabilities: what each observed kernel did, against what its version implies.",
        discussion: """
            Cells are observed (from matrix/observations) or, where a kernel lacks a capability, inferred \
            from the catalogue's first release. A kernel whose observations contradict the inference is \
            flagged: that is how backports and regressions show.
            """)

    @Option(help: "table, markdown, csv, json or html.")
    var format: OutputFormat = .table

    @Option(help: "Directory of observation files (<release>.json).")
    var observations = "matrix/observations"

    @Option(help: "The capability catalogue.")
    var catalogue = "matrix/catalogue.json"

    func run() throws {
        let catalogue = try MatrixInput.catalogue(self.catalogue)
        var loaded: [(source: String, observation: Observation)] = []
        for path in MatrixInput.files(under: observations, extensions: ["json"]) {
            do {
                loaded.append((String(path.split(separator: "/").last ?? Substring(path)),
                               try Observation.decode(MatrixInput.readFile(path, limit: 16 << 20))))
            } catch {
                printError("linkcaps: skipping \(path): \(error)")
            }
        }
        guard !loaded.isEmpty else { throw ValidationError("no observations under \(observations)") }
        let matrix = CompatibilityMatrix(catalogue: catalogue, observations: loaded)
        print(try matrix.render(format, catalogue: catalogue, colour: format == .table && MatrixInput.colourOnStdout),
              terminator: "")
    }
}
