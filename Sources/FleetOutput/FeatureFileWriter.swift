import Glibc
import SystemCalls

/// Writes a feature file so that nfd-worker never reads half of it: the text goes to ".NAME" in the same
/// directory (NFD ignores dotfiles), is fsynced, then renamed over NAME (atomic within a filesystem).
public enum FeatureFileWriter {
    /// A system call that failed, on which path, with its errno.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var operation: String
        public var errno: Errno
        public var description: String { "\(operation): \(errno)" }
    }

    public static func write(_ text: String, directory: String = NFDFeatureFile.defaultDirectory,
                             name: String = NFDFeatureFile.fileName) throws(Failure) {
        let final = directory + "/" + name
        let temporary = directory + "/." + name
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("open \(temporary)") }
        do { try writeAll(fd: fd, Array(text.utf8)) } catch {
            close(fd)
            unlink(temporary)
            throw Failure(operation: "write \(temporary)", errno: error)
        }
        guard fsync(fd) == 0, close(fd) == 0 else { let f = failure("sync \(temporary)"); unlink(temporary); throw f }
        guard rename(temporary, final) == 0 else { let f = failure("rename to \(final)"); unlink(temporary); throw f }
    }

    static func failure(_ what: String) -> Failure {
        Failure(operation: what, errno: .current)
    }
}
