import Capabilities
import Matrix
import XCTest

/// matrix/catalogue.json and matrix/observations are data people edit by hand: check them like code.
final class CatalogueTests: XCTestCase {
    func testEveryCapabilityOnceInReportOrder() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        XCTAssertEqual(catalogue.schemaVersion, 1)
        XCTAssertEqual(catalogue.capabilities.map(\.id), CapabilityID.allCases.map(\.rawValue))
        XCTAssertNotNil(KernelVersion(parsing: catalogue.oldestExamined))
    }

    func testFieldsWellFormed() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        let hex = Set("0123456789abcdef")
        for entry in catalogue.capabilities {
            XCTAssertFalse(entry.title.isEmpty, entry.id)
            XCTAssertGreaterThan(entry.meaning.count, 20, entry.id)
            XCTAssertFalse(entry.firstReleaseBasis.isEmpty, entry.id)
            XCTAssertNotNil(entry.release, "\(entry.id): firstRelease \(entry.firstRelease) does not parse")
            XCTAssertFalse(entry.sources.isEmpty, entry.id)
            for source in entry.sources {
                XCTAssertTrue(catalogue.sourcesKey.keys.contains { source.hasPrefix($0) }, "\(entry.id): source \(source)")
            }
            for commit in entry.commits {
                XCTAssertEqual(commit.id.count, 12, "\(entry.id): commit \(commit.id)")
                XCTAssertTrue(commit.id.allSatisfy(hex.contains), "\(entry.id): commit \(commit.id)")
            }
            for backport in entry.backports + (entry.regressions ?? []) {
                XCTAssertFalse(backport.evidence.isEmpty, entry.id)
                if backport.branch != "unknown" {
                    XCTAssertTrue(backport.branch.hasSuffix(".y"), "\(entry.id): branch \(backport.branch)")
                    XCTAssertNotNil(KernelVersion(parsing: backport.branch), entry.id)
                }
                if backport.since != "unknown" {
                    let since = try XCTUnwrap(KernelVersion(parsing: backport.since), entry.id)
                    XCTAssertEqual("\(since.major).\(since.minor).y", backport.branch, entry.id)
                }
            }
        }
    }

    /// Every source is something a reader of this repository can follow: no path outside it, a section of
    /// docs/experiments.md that exists, an upstream commit the entry lists (with its subject and release), a
    /// stored observation.
    func testSourcesCanBeFollowedFromTheRepository() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        let experiments = String(decoding: try Support.bytes("docs/experiments.md"), as: UTF8.self)
        for (key, value) in catalogue.sourcesKey {
            XCTAssertFalse(key.hasPrefix("/") || key.contains("../") || value.contains("/work/") || value.contains("../"),
                           "sourcesKey \(key) points outside the repository: \(value)")
        }
        for entry in catalogue.capabilities {
            for source in entry.sources {
                XCTAssertFalse(source.hasPrefix("/") || source.contains("../"), "\(entry.id): \(source)")
                if let section = source.split(separator: "§", maxSplits: 1).last, source.hasPrefix("docs/experiments.md § ") {
                    let id = section.trimmingCharacters(in: .whitespaces)
                    XCTAssertTrue(experiments.contains("\n### \(id) "), "\(entry.id): docs/experiments.md has no section \(id)")
                } else if source.hasPrefix("upstream ") {
                    // upstream <id> "<subject>" (vX.Y)
                    let parts = source.split(separator: "\"")
                    let id = source.dropFirst("upstream ".count).prefix(12)
                    let commit = entry.commits.first { $0.id == id }
                    XCTAssertNotNil(commit, "\(entry.id): \(source) names a commit the entry does not list")
                    XCTAssertEqual(parts.count, 3, "\(entry.id): \(source)")
                    if parts.count == 3, let commit {
                        XCTAssertTrue(commit.note.hasPrefix(parts[1] + " ("), "\(entry.id): subject of \(id) differs from its note")
                        XCTAssertEqual(parts[2].trimmingCharacters(in: .whitespaces), "(\(entry.firstRelease))", "\(entry.id): \(source)")
                    }
                } else if source.hasPrefix("observations/") {
                    XCTAssertNoThrow(try Support.bytes("matrix/\(source)"), "\(entry.id): \(source)")
                }
            }
        }
    }

    func testFirstReleaseParsing() {
        XCTAssertEqual(FirstRelease(parsing: "v6.2"), .mainline(KernelVersion(6, 2)))
        XCTAssertEqual(FirstRelease(parsing: "always"), .always)
        XCTAssertEqual(FirstRelease(parsing: "none"), FirstRelease.none)
        XCTAssertNil(FirstRelease(parsing: "6.2"))
        XCTAssertNil(FirstRelease(parsing: "v6.2 (inferred)"))
        XCTAssertNil(FirstRelease(parsing: "v6.2.1"))
    }

    func testInference() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        XCTAssertEqual(catalogue.inference(.renameWhileUp, for: KernelVersion(6, 1, 170)), .unsupported)
        XCTAssertEqual(catalogue.inference(.renameWhileUp, for: KernelVersion(6, 12, 117)), .supported)
        XCTAssertEqual(catalogue.inference(.moveSingleRequest, for: KernelVersion(4, 14)), .unknown)
        XCTAssertEqual(catalogue.inference(.moveSingleRequest, for: KernelVersion(5, 10)), .supported)
        XCTAssertEqual(catalogue.inference(.moveAtomicOnNameTaken, for: KernelVersion(7, 3)), .unsupported)
        XCTAssertEqual(catalogue.inference(.renameWhileUp, for: nil), .unknown)
        XCTAssertNotNil(catalogue.knownBackport(.altnameFollowsMove, in: KernelVersion(6, 1, 170)))
        XCTAssertNil(catalogue.knownBackport(.altnameFollowsMove, in: KernelVersion(6, 1, 59)))
        XCTAssertNil(catalogue.knownBackport(.altnameFollowsMove, in: KernelVersion(6, 2, 70)))
        // The three added with the right questions.
        XCTAssertEqual(catalogue.inference(.moveSourceSeesOnlyOriginalNameOnClash, for: KernelVersion(5, 10, 251)), .unsupported)
        XCTAssertNotNil(catalogue.knownBackport(.moveSourceSeesOnlyOriginalNameOnClash, in: KernelVersion(6, 1, 170)))
        XCTAssertEqual(catalogue.inference(.moveNetnsImmutableReported, for: KernelVersion(6, 12, 117)), .unsupported)
        XCTAssertEqual(catalogue.inference(.moveNetnsImmutableReported, for: KernelVersion(6, 18, 44)), .supported)
        XCTAssertEqual(catalogue.inference(.moveMtuMacInSameRequest, for: KernelVersion(5, 10, 251)), .supported)
        // Without a clash every kernel shows only the original name: no version, no backport.
        XCTAssertEqual(catalogue.inference(.moveSourceSeesOnlyOriginalName, for: KernelVersion(5, 10, 218)), .supported)
    }

    func testObservationsDecodeAndAreNamedByRelease() throws {
        let dir = Support.packageRoot.appendingPathComponent("matrix/observations")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let observation = try Observation.decode(Support.bytes("matrix/observations/\(file)"))
            XCTAssertEqual(file, observation.kernel.release + ".json")
            XCTAssertEqual(observation.report.kernel.release, observation.kernel.release)
            XCTAssertNotNil(observation.kernelVersion, file)
        }
    }

    func testKernelVersionParsing() {
        XCTAssertEqual(KernelVersion(parsing: "6.1.0-56-cloud-amd64"), KernelVersion(6, 1, 0))
        XCTAssertEqual(KernelVersion(parsing: "Debian 6.1.170-1"), KernelVersion(6, 1, 170))
        XCTAssertEqual(KernelVersion(parsing: "6.12.117+deb12-cloud-amd64"), KernelVersion(6, 12, 117))
        XCTAssertEqual(KernelVersion(parsing: "v6.2"), KernelVersion(6, 2, 0))
        XCTAssertEqual(KernelVersion(parsing: "#1 SMP 6.18.44"), KernelVersion(6, 18, 44))
        XCTAssertEqual(KernelVersion(parsing: "7.3~rc7-1~exp1"), KernelVersion(7, 3, 0))
        XCTAssertEqual(KernelVersion(parsing: "6.12.117-1~deb12u1"), KernelVersion(6, 12, 117))
        XCTAssertNil(KernelVersion(parsing: "unknown"))
        XCTAssertNil(KernelVersion(parsing: "99999999999999999999.1"))
    }
}
