import Foundation
import Capabilities
import Matrix
import Probe
import Testing
import TestSupport

/// The catalogue, the experiments and the observations must tell one story (in the spirit of cilium/ebpf's
/// feature tests): the experiments carry exactly the catalogue's commits and first release, and every
/// observed kernel that contradicts the first release is a known backport or regression, with evidence.
struct ConsistencyTests {
    func catalogue() throws -> Catalogue { try Catalogue.decode(Support.bytes("matrix/catalogue.json")) }

    func observations() throws -> [(file: String, observation: Observation)] {
        let dir = Support.packageRoot.appendingPathComponent("matrix/observations")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
            .map { ($0, try Observation.decode(Support.bytes("matrix/observations/\($0)"))) }
    }

    /// One source of metadata: what a report explains with is what the catalogue says, to the letter.
    @Test func experimentsCarryTheCataloguesMetadata() throws {
        let catalogue = try catalogue()
        for id in CapabilityID.allCases {
            let entry = try #require(catalogue.entry(id), "\(id.rawValue) is not in the catalogue")
            let metadata = Prober.metadata(of: id)
            let commits = entry.commits.map(\.id)
            #expect(metadata.upstreamCommit == (commits.isEmpty ? nil : commits.joined(separator: ", ")), "\(id.rawValue): the experiment cites other commits than the catalogue")
            #expect(metadata.firstRelease == entry.firstRelease, "\(id.rawValue): the experiment names another first release than the catalogue")
        }
    }

    /// A kernel at or past the first release answering `unsupported`, or before it answering `supported`,
    /// must be a known regression or backport. A capability an observation lacks was not observed; only
    /// conclusive answers count.
    @Test func everyDisagreementIsAKnownBackportOrRegression() throws {
        let catalogue = try catalogue()
        var unexplained: [String] = []
        for (file, observation) in try observations() {
            let version = observation.kernelVersion
            for id in CapabilityID.allCases {
                guard let state = observation.report.state(id) else { continue }
                let inferred = catalogue.inference(id, for: version)
                switch Agreement(observed: state, inferred: inferred) {
                case .backport where catalogue.knownBackport(id, in: version) == nil:
                    unexplained.append("\(file): \(id.rawValue) observed supported on \(version?.description ?? "?"), "
                        + "before its first release \(catalogue.entry(id)?.firstRelease ?? "?"), and no known backport covers it")
                case .regression where catalogue.knownRegression(id, in: version) == nil:
                    unexplained.append("\(file): \(id.rawValue) observed unsupported on \(version?.description ?? "?"), "
                        + "at or past its first release \(catalogue.entry(id)?.firstRelease ?? "?"), and no known regression covers it")
                default:
                    break
                }
            }
        }
        #expect(unexplained.isEmpty, "\("unexplained observations:\n" + unexplained.joined(separator: "\n"))")
    }

    /// The check itself, on observations written here: it must fail where it should.
    @Test func theCheckFlagsWhatNobodyExplained() throws {
        var catalogue = try catalogue()
        let v510 = KernelVersion(5, 10, 251), v6170 = KernelVersion(6, 1, 170), v612 = KernelVersion(6, 12, 117)
        // 6.1.170 refusing an altname clash is the known 6.1.y backport; 5.10 doing so would not be.
        #expect(Agreement(observed: .supported, inferred: catalogue.inference(.altnameClashRejected, for: v6170)) == .backport)
        #expect(catalogue.knownBackport(.altnameClashRejected, in: v6170) != nil)
        #expect(catalogue.knownBackport(.altnameClashRejected, in: v510) == nil)
        // A 6.12 that moved altnames no more would be a regression nobody has written down.
        #expect(Agreement(observed: .unsupported, inferred: catalogue.inference(.altnameFollowsMove, for: v612)) == .regression)
        #expect(catalogue.knownRegression(.altnameFollowsMove, in: v612) == nil)
        // Written down, it is known.
        let index = try #require(catalogue.capabilities.firstIndex { $0.id == CapabilityID.altnameFollowsMove.rawValue })
        catalogue.capabilities[index].regressions = [try JSONDecoder().decode(Catalogue.Backport.self, from: Data(
            #"{"branch": "6.12.y", "since": "6.12.100", "evidence": "written here"}"#.utf8))]
        #expect(catalogue.knownRegression(.altnameFollowsMove, in: v612) != nil)
        // Answers that are not conclusive, and capabilities not observed, are never disagreements.
        #expect(Agreement(observed: .inconclusive, inferred: .supported) == .undecided)
        #expect(Agreement(observed: nil, inferred: .supported) == .undecided)
    }
}
