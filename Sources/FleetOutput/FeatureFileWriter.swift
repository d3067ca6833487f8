import Glibc
import SystemCalls
import SystemPackage

/// Writes a feature file so that nfd-worker never reads half of it: the text goes to ".NAME" in the same
/// directory (NFD ignores dotfiles), is fsynced, then renamed over NAME (atomic within a filesystem).
public enum FeatureFileWriter {
    /// A system call that failed, on which path, with its errno.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var operation: String
        public var errno: Errno
        public var description: String { "\(operation): \(errno.nameAndMessage)" }
    }

    public static func write(_ text: String, directory: String = NFDFeatureFile.defaultDirectory,
                             name: String = NFDFeatureFile.fileName) throws(Failure) {
        let final = directory + "/" + name
        let temporary = directory + "/." + name
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(temporary, .writeOnly, options: [.create, .truncate], permissions: FilePermissions(rawValue: 0o644))
        } catch { throw Failure(operation: "open \(temporary)", errno: error) }
        do { try file.write(all: text) } catch {
            file.closeQuietly()
            unlink(temporary)
            throw Failure(operation: "write \(temporary)", errno: error)
        }
        do throws(Errno) {
            guard fsync(file.rawValue) == 0 else { let error = Errno.current; file.closeQuietly(); throw error }
            try withErrno { try file.close() }
        } catch { unlink(temporary); throw Failure(operation: "sync \(temporary)", errno: error) }
        guard rename(temporary, final) == 0 else { let f = failure("rename to \(final)"); unlink(temporary); throw f }
    }

    static func failure(_ what: String) -> Failure {
        Failure(operation: what, errno: .current)
    }
}
