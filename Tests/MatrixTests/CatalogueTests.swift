import Foundation
import Capabilities
import Matrix
import Testing
import TestSupport

/// matrix/catalogue.json and matrix/observations are data people edit by hand: check them like code.
struct CatalogueTests {
    @Test func everyCapabilityOnceInReportOrder() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        #expect(catalogue.schemaVersion == 1)
        #expect(catalogue.capabilities.map(\.id) == CapabilityID.allCases.map(\.rawValue))
        #expect(KernelVersion(parsing: catalogue.oldestExamined) != nil)
    }

    @Test func fieldsWellFormed() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        let hex = Set("0123456789abcdef")
        for entry in catalogue.capabilities {
            #expect(!entry.title.isEmpty, "\(entry.id)")
            #expect(entry.meaning.count > 20, "\(entry.id)")
            #expect(!entry.firstReleaseBasis.isEmpty, "\(entry.id)")
            #expect(entry.release != nil, "\(entry.id): firstRelease \(entry.firstRelease) does not parse")
            #expect(!entry.sources.isEmpty, "\(entry.id)")
            for source in entry.sources {
                #expect(catalogue.sourcesKey.keys.contains { source.hasPrefix($0) }, "\(entry.id): source \(source)")
            }
            for commit in entry.commits {
                #expect(commit.id.count == 12, "\(entry.id): commit \(commit.id)")
                #expect(commit.id.allSatisfy(hex.contains), "\(entry.id): commit \(commit.id)")
            }
            for backport in entry.backports + (entry.regressions ?? []) {
                #expect(!backport.evidence.isEmpty, "\(entry.id)")
                if backport.branch != "unknown" {
                    #expect(backport.branch.hasSuffix(".y"), "\(entry.id): branch \(backport.branch)")
                    #expect(KernelVersion(parsing: backport.branch) != nil, "\(entry.id)")
                }
                if backport.since != "unknown" {
                    let since = try #require(KernelVersion(parsing: backport.since), "\(entry.id)")
                    #expect("\(since.major).\(since.minor).y" == backport.branch, "\(entry.id)")
                }
            }
        }
    }

    /// Every source is something a reader of this repository can follow: no path outside it, a section of
    /// docs/experiments.md that exists, an upstream commit the entry lists (with its subject and release), a
    /// stored observation.
    @Test func sourcesCanBeFollowedFromTheRepository() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        let experiments = String(decoding: try Support.bytes("docs/experiments.md"), as: UTF8.self)
        for (key, value) in catalogue.sourcesKey {
            #expect(!(key.hasPrefix("/") || key.contains("../") || value.contains("/work/") || value.contains("../")), "sourcesKey \(key) points outside the repository: \(value)")
        }
        for entry in catalogue.capabilities {
            for source in entry.sources {
                #expect(!(source.hasPrefix("/") || source.contains("../")), "\(entry.id): \(source)")
                if let section = source.split(separator: "§", maxSplits: 1).last, source.hasPrefix("docs/experiments.md § ") {
                    let id = section.trimmingCharacters(in: .whitespaces)
                    #expect(experiments.contains("\n### \(id) "), "\(entry.id): docs/experiments.md has no section \(id)")
                } else if source.hasPrefix("upstream ") {
                    // upstream <id> "<subject>" (vX.Y)
                    let parts = source.split(separator: "\"")
                    let id = source.dropFirst("upstream ".count).prefix(12)
                    let commit = entry.commits.first { $0.id == id }
                    #expect(commit != nil, "\(entry.id): \(source) names a commit the entry does not list")
                    #expect(parts.count == 3, "\(entry.id): \(source)")
                    if parts.count == 3, let commit {
                        #expect(commit.note.hasPrefix(parts[1] + " ("), "\(entry.id): subject of \(id) differs from its note")
                        #expect(parts[2].trimmingCharacters(in: .whitespaces) == "(\(entry.firstRelease))", "\(entry.id): \(source)")
                    }
                } else if source.hasPrefix("observations/") {
                    #expect(throws: Never.self, "\(entry.id): \(source)") { try Support.bytes("matrix/\(source)") }
                }
            }
        }
    }

    @Test func firstReleaseParsing() {
        #expect(FirstRelease(parsing: "v6.2") == .mainline(KernelVersion(6, 2)))
        #expect(FirstRelease(parsing: "always") == .always)
        #expect(FirstRelease(parsing: "none") == FirstRelease.none)
        #expect(FirstRelease(parsing: "6.2") == nil)
        #expect(FirstRelease(parsing: "v6.2 (inferred)") == nil)
        #expect(FirstRelease(parsing: "v6.2.1") == nil)
    }

    @Test func inference() throws {
        let catalogue = try Catalogue.decode(Support.bytes("matrix/catalogue.json"))
        #expect(catalogue.inference(.renameWhileUp, for: KernelVersion(6, 1, 170)) == .unsupported)
        #expect(catalogue.inference(.renameWhileUp, for: KernelVersion(6, 12, 117)) == .supported)
        #expect(catalogue.inference(.moveSingleRequest, for: KernelVersion(4, 14)) == .unknown)
        #expect(catalogue.inference(.moveSingleRequest, for: KernelVersion(5, 10)) == .supported)
        #expect(catalogue.inference(.moveAtomicOnNameTaken, for: KernelVersion(7, 3)) == .unsupported)
        #expect(catalogue.inference(.renameWhileUp, for: nil) == .unknown)
        #expect(catalogue.knownBackport(.altnameFollowsMove, in: KernelVersion(6, 1, 170)) != nil)
        #expect(catalogue.knownBackport(.altnameFollowsMove, in: KernelVersion(6, 1, 59)) == nil)
        #expect(catalogue.knownBackport(.altnameFollowsMove, in: KernelVersion(6, 2, 70)) == nil)
        // The three added with the right questions.
        #expect(catalogue.inference(.moveSourceSeesOnlyOriginalNameOnClash, for: KernelVersion(5, 10, 251)) == .unsupported)
        #expect(catalogue.knownBackport(.moveSourceSeesOnlyOriginalNameOnClash, in: KernelVersion(6, 1, 170)) != nil)
        #expect(catalogue.inference(.moveNetnsImmutableReported, for: KernelVersion(6, 12, 117)) == .unsupported)
        #expect(catalogue.inference(.moveNetnsImmutableReported, for: KernelVersion(6, 18, 44)) == .supported)
        #expect(catalogue.inference(.moveMtuMacInSameRequest, for: KernelVersion(5, 10, 251)) == .supported)
        // Without a clash every kernel shows only the original name: no version, no backport.
        #expect(catalogue.inference(.moveSourceSeesOnlyOriginalName, for: KernelVersion(5, 10, 218)) == .supported)
    }

    @Test func observationsDecodeAndAreNamedByRelease() throws {
        let dir = Support.packageRoot.appendingPathComponent("matrix/observations")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        #expect(!files.isEmpty)
        for file in files {
            let observation = try Observation.decode(Support.bytes("matrix/observations/\(file)"))
            #expect(file == (observation.kernel.release + ".json"))
            #expect(observation.report.kernel.release == observation.kernel.release)
            #expect(observation.kernelVersion != nil, "\(file)")
        }
    }

    @Test func kernelVersionParsing() {
        #expect(KernelVersion(parsing: "6.1.0-56-cloud-amd64") == KernelVersion(6, 1, 0))
        #expect(KernelVersion(parsing: "Debian 6.1.170-1") == KernelVersion(6, 1, 170))
        #expect(KernelVersion(parsing: "6.12.117+deb12-cloud-amd64") == KernelVersion(6, 12, 117))
        #expect(KernelVersion(parsing: "v6.2") == KernelVersion(6, 2, 0))
        #expect(KernelVersion(parsing: "#1 SMP 6.18.44") == KernelVersion(6, 18, 44))
        #expect(KernelVersion(parsing: "7.3~rc7-1~exp1") == KernelVersion(7, 3, 0))
        #expect(KernelVersion(parsing: "6.12.117-1~deb12u1") == KernelVersion(6, 12, 117))
        #expect(KernelVersion(parsing: "unknown") == nil)
        #expect(KernelVersion(parsing: "99999999999999999999.1") == nil)
    }
}
