import Foundation

/// The reference plugin's current release (host-device 1.9.1, Debian forky's build) for side-by-side
/// cases: the directory scripts/reference-plugins extracts it to (it downloads the package once, then
/// reuses build/reference), or `LINKCAPS_REFERENCE_DIR` when set. Its own `static` IPAM plugin is beside it.
enum CurrentReferencePlugin {
    /// The directory holding host-device, static, ... or why it cannot be had (the cases then run ours
    /// alone and print that reason).
    static let directory: Result<String, HarnessFailure> = {
        if let dir = ProcessInfo.processInfo.environment["LINKCAPS_REFERENCE_DIR"], !dir.isEmpty {
            return usable(dir)
        }
        // stderr is apt's progress: only the last line of stdout is the directory.
        let r = sh("\(packageRoot)/scripts/reference-plugins 2>&1 >\(Lab.root)/reference-dir; s=$?; tail -n 3; exit $s")
        guard r.status == 0, let dir = try? String(contentsOfFile: Lab.root + "/reference-dir", encoding: .utf8)
            .split(separator: "\n").last.map(String.init) else {
            return .failure(HarnessFailure("scripts/reference-plugins failed (\(r.status)): \(r.output)"))
        }
        return usable(dir)
    }()

    static func usable(_ dir: String) -> Result<String, HarnessFailure> {
        FileManager.default.isExecutableFile(atPath: dir + "/host-device")
            ? .success(dir) : .failure(HarnessFailure("\(dir)/host-device is not executable"))
    }

    static var path: String? { try? directory.get() }

    /// Said once per test that runs without it, so that a run without the reference is visibly one.
    static var unavailable: String {
        if case .failure(let why) = directory { return "host-device 1.9.1 not run: \(why)" }
        return ""
    }
}
