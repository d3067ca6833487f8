import ArgumentParser
import Foundation
import Glibc
import Matrix

/// The file reading `matrix` and `audit` share (Matrix itself does no I/O).
enum MatrixInput {
    /// A whole small file; nil when it cannot be read or is larger than `limit`.
    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ValidationError("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ValidationError("\(path): \(String(cString: strerror(errno)))") }
            if n == 0 { return bytes }
            bytes += chunk[..<n]
            guard bytes.count <= limit else { throw ValidationError("\(path): larger than \(limit) bytes") }
        }
    }

    static func catalogue(_ path: String) throws -> Catalogue {
        do {
            return try Catalogue.decode(readFile(path, limit: 4 << 20))
        } catch let error as ValidationError {
            throw ValidationError("\(error.message) (the catalogue: pass --catalogue PATH to matrix/catalogue.json)")
        } catch {
            throw ValidationError("\(path): not a catalogue: \(error)")
        }
    }

    /// Regular files under a directory, recursively, sorted so that runs are reproducible.
    static func files(under directory: String, extensions: Set<String>) -> [String] {
        let url = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        var found: [String] = []
        for case let file as URL in walker where extensions.contains(file.pathExtension) {
            if (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { found.append(file.path) }
        }
        return found.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var colourOnStdout: Bool { isatty(1) == 1 && getenv("NO_COLOR") == nil }
}

extension OutputFormat: ExpressibleByArgument {}
