import ArgumentParser
import JSONText
import Observing
import SystemCalls
import SystemPackage

/// What scripts/observe asks of the host side of an observation: the witness's verdicts out of a guest's
/// serial log, the comparison with the probe, the footprint, and the observation file. The shell keeps what
/// must stay independent of this binary (the iproute2 witness, the initramfs, QEMU); every judgement is here,
/// over the Observing types, and tested there. Hidden: a tool of the repository, not of a host.
struct ObservationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observation",
        abstract: "The host side of scripts/observe: judge a guest's serial log and write matrix/observations.",
        shouldDisplay: false,
        subcommands: [Witness.self, Compare.self, WitnessRecord.self, ComparisonText.self, Disagreements.self,
                      HostShortfalls.self, GuestFootprintCommand.self, FootprintRunCommand.self, HostRun.self,
                      Runs.self, FootprintText.self, CheckReport.self, Write.self])

    // Inputs are files scripts/observe wrote or a guest printed: bounded, read whole.
    static let logLimit = 64 << 20, documentLimit = 16 << 20

    static func json(_ path: String) throws -> JSON {
        let bytes = try MatrixInput.readFile(path, limit: documentLimit)
        do { return try JSON.parse(bytes) } catch { throw ValidationError("\(path): \(error)") }
    }

    static func log(_ path: String) throws -> SerialLog { SerialLog(bytes: try MatrixInput.readFile(path, limit: logLimit)) }

    static func snapshot(_ path: String) throws -> Snapshot {
        Snapshot(text: String(decoding: try MatrixInput.readFile(path, limit: logLimit), as: UTF8.self))
    }

    static func witness(_ path: String) throws -> WitnessVerdicts {
        do { return try WitnessVerdicts(json: json(path)) } catch let error as ObservingError { throw ValidationError("\(path): \(error)") }
    }

    static func comparison(_ path: String) throws -> WitnessComparison {
        do { return try WitnessComparison(json: json(path)) } catch let error as ObservingError { throw ValidationError("\(path): \(error)") }
    }

    static func emit(_ value: JSON) { print(value.prettyText, terminator: "") }

    static func emit(lines: [String]) { for line in lines { print(line) } }

    struct Witness: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The witness's verdicts in a serial log (LINKCAPS-WITNESS-BEGIN/END) as JSON: {tool, kind, verdicts}.")
        @Flag(help: "Fail when the section holds no verdict.") var nonempty = false
        @Argument var log: String
        func run() throws {
            let verdicts: WitnessVerdicts
            do {
                verdicts = WitnessVerdicts(lines: try ObservationCommand.log(log).section("LINKCAPS-WITNESS-BEGIN", "LINKCAPS-WITNESS-END"))
            } catch let error as SerialLog.SectionError { throw ValidationError("\(log): \(error)") }
            if nonempty && verdicts.order.isEmpty { throw ValidationError("\(log): the witness's section holds no verdict") }
            emit(verdicts.json)
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A report against the witness's verdicts: {agrees, disagreements, compared, notCompared}.")
        @Argument var report: String
        @Argument var witness: String
        func run() throws {
            emit(WitnessComparison(probe: ProbeAnswers(report: try json(report)), witness: try ObservationCommand.witness(witness)).json)
        }
    }

    struct WitnessRecord: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The observation's witness member from the verdicts and the comparison.")
        @Argument var witness: String
        @Argument var comparison: String
        func run() throws { emit(try ObservationCommand.comparison(comparison).record(of: try ObservationCommand.witness(witness))) }
    }

    struct ComparisonText: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A line per disagreement and per capability not compared.")
        @Flag(help: "First a line \"witness (TOOL, KIND links): agrees on N of M compared\".") var summary = false
        @Argument var report: String
        @Argument var witness: String
        @Argument var comparison: String
        func run() throws {
            let verdicts = try ObservationCommand.witness(witness), compared = try ObservationCommand.comparison(comparison)
            if summary { print("witness (\(verdicts.tool ?? "null"), \(verdicts.kind ?? "null") links): \(compared.summary)") }
            emit(lines: compared.lines(probe: ProbeAnswers(report: try json(report)), witness: verdicts))
        }
    }

    struct Disagreements: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The ids probe and witness disagree on, comma-separated; nothing when they agree.")
        @Argument var comparison: String
        func run() throws {
            let ids = try ObservationCommand.comparison(comparison).disagreements
            if !ids.isEmpty { print(ids.joined(separator: ", ")) }
        }
    }

    struct HostShortfalls: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why a report and its comparison fall short of answering every capability of the catalogue alike.")
        @Argument var report: String
        @Argument var comparison: String
        @Argument var catalogue: String
        func run() throws {
            let ids = try json(catalogue)["capabilities"]?.array?.compactMap { $0["id"]?.string } ?? []
            guard !ids.isEmpty else { throw ValidationError("\(catalogue): no capability ids") }
            emit(lines: try ObservationCommand.comparison(comparison).shortfalls(probe: ProbeAnswers(report: try json(report)), catalogue: ids))
        }
    }

    struct GuestFootprintCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "footprint", abstract: "The footprint of a guest's two probe runs from its serial log and the --load-modules report.")
        @Argument var log: String
        @Argument var report: String
        func run() throws {
            do { emit(try GuestFootprint.judge(try ObservationCommand.log(log), report: try json(report)).json) } catch let error as SerialLog.SectionError {
                throw ValidationError("\(log): \(error)")
            }
        }
    }

    struct FootprintRunCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "footprint-run", abstract: "What one run changed between two snapshot files, judged.")
        @Argument var before: String
        @Argument var after: String
        @Argument var command: String
        @Argument var exitStatus: String
        @Argument(help: "The modules the run may load, a JSON array of names.") var allowedModules: String
        @Argument(help: "A JSON value kept as the run's probe member.") var probe: String?
        func run() throws {
            let allowed: [String]
            do {
                guard let items = try JSON.parse(allowedModules).array else { throw ValidationError("allowed modules: not a JSON array") }
                allowed = items.compactMap(\.string)
            } catch let error as JSONError { throw ValidationError("allowed modules: \(error)") }
            let probeValue: JSON?
            do { probeValue = try probe.map { try JSON.parse($0) } } catch { throw ValidationError("probe: \(error)") }
            emit(FootprintRun(before: try snapshot(before), after: try snapshot(after), command: command, exitStatus: exitStatus,
                              allowedModules: allowed, probe: probeValue == .null ? nil : probeValue).json)
        }
    }

    struct HostRun: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One run on this shared host: judged over what the probe or the witness can make, the rest counted.")
        @Argument var before: String
        @Argument var after: String
        @Argument var command: String
        @Argument var exitStatus: String
        func run() throws {
            emit(HostFootprint.judge(before: try snapshot(before), after: try snapshot(after), command: command, exitStatus: exitStatus).json)
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The footprint member {ok, runs} from run files.")
        @Argument var runs: [String]
        func run() throws {
            emit(Footprint.json(runs: try runs.map(json)))
        }
    }

    struct FootprintText: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A line per run of a footprint file; with --failure, only why it fails (nothing when it passes).")
        @Flag var failure = false
        @Argument var footprint: String
        func run() throws {
            let footprint = try json(footprint)
            if failure {
                let why = Footprint.failure(footprint)
                if !why.isEmpty { print(why) }
            } else {
                emit(lines: Footprint.lines(footprint))
            }
        }
    }

    struct CheckReport: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fails unless the file holds one JSON object (of the release given).")
        @Option var release: String?
        @Argument var report: String
        func run() throws {
            let value = try json(report)
            guard value.isObject else { throw ValidationError("\(report): not a JSON object") }
            if let release, value["kernel"]?["release"]?.string != release { throw ValidationError("\(report): not a report of \(release)") }
        }
    }

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Writes OUT/matrix/observations/RELEASE.json from the report and the witness and footprint members.")
        @Option var out: String
        @Option var release: String
        @Option(help: "uname -v, when the report does not hold it.") var version: String
        @Option var package: String?
        @Option var packageVersion: String?
        @Option var source: String
        @Option var report: String
        @Option var witness: String?
        @Option var footprint: String?
        func run() throws {
            let report = try json(report)
            let found = ObservationDocument.kernelVersion(in: report) ?? ""
            let document = ObservationDocument(
                kernel: .init(release: release, version: found.isEmpty ? version : found, package: package,
                              packageVersion: packageVersion, source: source),
                report: report, witness: try witness.map(json), footprint: try footprint.map(json))
            let path = "\(out)/matrix/observations/\(release).json"
            do {
                let file = try FileDescriptor.open(path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
                defer { file.closeQuietly() }
                try file.write(all: document.json.prettyText)
            } catch { throw ValidationError("\(path): \(error.nameAndMessage)") }
        }
    }
}
