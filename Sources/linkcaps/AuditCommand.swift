import ArgumentParser
import Glibc
import Matrix
import SystemCalls
import SystemPackage

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "A fleet's support matrix from its probe reports, grouped by kernel release and distro.",
        discussion: """
            PATH is a report file (.json: one report), a JSON-lines file (.jsonl, .ndjson: one report a \
            line), a directory (searched for both), or - for JSON lines on stdin. Reports are aggregated as \
            they are read: memory grows with the number of groups, not of hosts. A malformed report is \
            counted and named (file:line), never fatal.

            The output of `kubectl get nodes -o json` is read too (a file, or - on stdin): each node's \
            linkcaps.io/ labels, which the DaemonSet publishes through NFD, stand for its report. It is \
            recognised by its first key (apiVersion, kind, items or metadata: a report has none of them), \
            or forced with --nodes. Nodes without labels, and nodes whose labels describe another kernel \
            than they run, are listed apart.
            """)

    @Argument(help: "Report files, directories, node lists, or - for JSON lines (or one node list) on stdin.")
    var paths: [String]

    @Option(help: "table, markdown, csv, json or html.")
    var format: OutputFormat = .table

    @Option(help: "A capability catalogue to use instead of the built-in one (for version inference).")
    var catalogue: String?

    @Flag(help: "Read every input as `kubectl get nodes -o json` output, whatever its first key.")
    var nodes = false

    @Option(help: "Longest report accepted, in bytes (a line of JSON lines, or a .json file).")
    var maxReportBytes = 1 << 20

    @Option(help: "Longest node list accepted, in bytes (it is read whole).")
    var maxNodeListBytes = 256 << 20

    @Option(help: "Distinct groups kept; hosts of further groups are counted under (other).")
    var maxGroups = 10_000

    func validate() throws {
        guard maxReportBytes >= 1024, maxNodeListBytes >= 1024, maxGroups >= 1 else { throw ValidationError("limits too small") }
    }

    func run() throws {
        var limits = FleetAuditor.Limits()
        limits.maxGroups = maxGroups
        var auditor = FleetAuditor(catalogue: try MatrixInput.catalogue(catalogue), limits: limits)
        for path in paths {
            if path == "-" {
                readStream(.standardInput, name: "<stdin>", into: &auditor)
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
        let file: FileDescriptor
        do { file = try FileDescriptor.open(path, .readOnly) } catch {
            return auditor.addUnreadable(source: path, reason: error.description)
        }
        defer { file.closeQuietly() }
        let jsonLines = path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson")
        readStream(file, name: path, into: &auditor, document: !jsonLines)
    }

    /// A node list (when it begins like one, or with --nodes), else one report (`document`) or JSON lines.
    /// Only the first bytes are read to tell, so each kind is held to its own size limit.
    func readStream(_ file: FileDescriptor, name: String, into auditor: inout FleetAuditor, document: Bool = false) {
        // Enough of the start to see the first key (a report's first line may be longer: it is not needed).
        var head = [UInt8](repeating: 0, count: 4096)
        var got = 0
        while got < head.count {
            let n: Int
            do { n = try withErrno { try head.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(start: $0.baseAddress! + got, count: $0.count - got)) } } }
            catch { return unreadable(name, error, into: &auditor) }
            if n == 0 { break }
            got += n
        }
        head.removeLast(head.count - got)
        let nodeList = nodes || head.withUnsafeBytes(NodeListReader.looksLikeKubernetesObject)
        if nodeList || document {
            let limit = nodeList ? maxNodeListBytes : maxReportBytes
            let rest: [UInt8]
            do { rest = try file.readToEnd(limit: limit - head.count) } catch {
                return auditor.addUnreadable(source: name, reason: error == .fileTooLarge ? "larger than \(limit) bytes" : "read failed: \(error.nameAndMessage)")
            }
            return (head + rest).withUnsafeBytes { bytes in
                nodeList ? auditor.addNodeList(bytes, source: name) : auditor.add(bytes, source: { name })
            }
        }
        var pending = head[...]
        readLines(file, name: name, into: &auditor, first: &pending)
    }

    func unreadable(_ name: String, _ error: Errno, into auditor: inout FleetAuditor) {
        auditor.addUnreadable(source: name, reason: "read failed: \(error.description)")
    }

    /// JSON lines from `file`, after the bytes already read from it (`first`).
    func readLines(_ file: FileDescriptor, name: String, into auditor: inout FleetAuditor, first: inout ArraySlice<UInt8>) {
        let reader = LineReader(maxLineBytes: maxReportBytes)
        var failure = Errno.ioError
        let status = reader.run(read: { buffer in
            if !first.isEmpty {
                let n = min(first.count, buffer.count)
                buffer.copyBytes(from: first.prefix(n))
                first = first.dropFirst(n)
                return n
            }
            do throws(Errno) { return try withErrno { try file.read(into: buffer) } } catch {
                failure = error
                return -1
            }
        }, line: { line in
            switch line {
            case .text(let bytes, let number):
                auditor.add(bytes, source: { "\(name):\(number)" })
            case .overlong(let number):
                auditor.addUnreadable(source: "\(name):\(number)", reason: "longer than \(maxReportBytes) bytes")
            }
        })
        if status < 0 { unreadable(name, failure, into: &auditor) }
    }
}
