import ArgumentParser
import SystemCalls
import SystemPackage
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import Matrix

/// The file reading `matrix` and `audit` share (Matrix itself does no I/O).
enum MatrixInput {
    /// A whole small file; nil when it cannot be read or is larger than `limit`.
    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        do { return try readAll(path: path, limit: limit) } catch {
            throw ValidationError("\(path): " + (error == .fileTooLarge ? "larger than \(limit) bytes" : error.nameAndMessage))
        }
    }

    /// The catalogue at `path`, or the one built into the binary when `path` is nil.
    static func catalogue(_ path: String?) throws -> Catalogue {
        guard let path else {
            do { return try Builtin.catalogue() } catch {
                throw ValidationError("the built-in catalogue does not decode: \(error)")
            }
        }
        do {
            return try Catalogue.decode(readFile(path, limit: 4 << 20))
        } catch let error as ValidationError {
            throw ValidationError("\(error.message) (the catalogue given with --catalogue)")
        } catch {
            throw ValidationError("\(path): not a catalogue: \(error)")
        }
    }

    /// Observation files (name, bytes) under `directory`, or the ones built into the binary when nil.
    /// Files that cannot be read are named on stderr and skipped.
    static func observationFiles(_ directory: String?) -> [(name: String, bytes: [UInt8])] {
        guard let directory else { return Builtin.observationFiles }
        return files(under: directory, extensions: ["json"]).compactMap { path in
            do {
                return (String(path.split(separator: "/").last ?? Substring(path)), try readFile(path, limit: 16 << 20))
            } catch {
                printError("linkcaps: skipping \(path): \(error)")
                return nil
            }
        }
    }

    /// Regular files under a directory, recursively (symlinks not followed), sorted so that runs are
    /// reproducible. A directory that cannot be listed, or an entry that cannot be examined, is named on
    /// stderr and skipped, like a file that cannot be read.
    static func files(under directory: String, extensions: Set<String>) -> [String] {
        let names: [String]
        do { names = try directoryEntries(directory) } catch {
            printError("linkcaps: skipping \(directory): \(error.nameAndMessage)")
            return []
        }
        var found: [String] = []
        for name in names {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else {
                printError("linkcaps: skipping \(path): \(Errno.current.nameAndMessage)")
                continue
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                found += files(under: path, extensions: extensions)
            } else if info.st_mode & S_IFMT == S_IFREG, let dot = name.lastIndex(of: "."),
                      extensions.contains(String(name[name.index(after: dot)...])) {
                found.append(path)
            }
        }
        return found.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var colourOnStdout: Bool { isatty(1) == 1 && getenv("NO_COLOR") == nil }
}

extension OutputFormat: ExpressibleByArgument {}
