import ArgumentParser
import Glibc
import Netlink
import Matrix

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "A fleet's support matrix from its probe reports, grouped by kernel release and distro.",
        discussion: """
            PATH is a report file (.json: one report), a JSON-lines file (.jsonl, .ndjson: one report a \
            line), a directory (searched for both), or - for JSON lines on stdin. Reports are aggregated as \
            they are read: memory grows with the number of groups, not of hosts. A malformed report is \
            counted and named (file:line), never fatal.
            """)

    @Argument(help: "Report files, directories, or - for JSON lines on stdin.")
    var paths: [String]

    @Option(help: "table, markdown, csv, json or html.")
    var format: OutputFormat = .table

    @Option(help: "The capability catalogue (for version inference).")
    var catalogue = "matrix/catalogue.json"

    @Option(help: "Longest report accepted, in bytes (a line of JSON lines, or a .json file).")
    var maxReportBytes = 1 << 20

    @Option(help: "Distinct groups kept; hosts of further groups are counted under (other).")
    var maxGroups = 10_000

    func validate() throws {
        guard maxReportBytes >= 1024, maxGroups >= 1 else { throw ValidationError("limits too small") }
    }

    func run() throws {
        var limits = FleetAuditor.Limits()
        limits.maxGroups = maxGroups
        var auditor = FleetAuditor(catalogue: try MatrixInput.catalogue(catalogue), limits: limits)
        for path in paths {
            if path == "-" {
                readLines(fd: 0, name: "<stdin>", into: &auditor)
            } else if MatrixInput.isDirectory(path) {
                for file in MatrixInput.files(under: path, extensions: ["json", "jsonl", "ndjson"]) {
                    readFile(file, into: &auditor)
                }
            } else {
                readFile(path, into: &auditor)
            }
        }
        let audit = auditor.result()
        print(try audit.render(format, catalogue: auditor.catalogue,
                               colour: format == .table && MatrixInput.colourOnStdout), terminator: "")
    }

    func readFile(_ path: String, into auditor: inout FleetAuditor) {
        if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                return auditor.addUnreadable(source: path, reason: String(cString: strerror(errno)))
            }
            defer { close(fd) }
            return readLines(fd: fd, name: path, into: &auditor)
        }
        do {
            let bytes = try MatrixInput.readFile(path, limit: maxReportBytes)
            bytes.withUnsafeBytes { auditor.add($0, source: { path }) }
        } catch let error as ValidationError {
            auditor.addUnreadable(source: path, reason: error.message)
        } catch {
            auditor.addUnreadable(source: path, reason: "\(error)")
        }
    }

    func readLines(fd: Int32, name: String, into auditor: inout FleetAuditor) {
        let reader = LineReader(maxLineBytes: maxReportBytes)
        let status = reader.run(read: { buffer in
            retryingWhileInterrupted { Glibc.read(fd, buffer.baseAddress!, buffer.count) }
        }, line: { line in
            switch line {
            case .text(let bytes, let number):
                auditor.add(bytes, source: { "\(name):\(number)" })
            case .overlong(let number):
                auditor.addUnreadable(source: "\(name):\(number)", reason: "longer than \(maxReportBytes) bytes")
            }
        })
        if status < 0 {
            auditor.addUnreadable(source: name, reason: "read failed: \(String(cString: strerror(errno)))")
        }
    }
}
