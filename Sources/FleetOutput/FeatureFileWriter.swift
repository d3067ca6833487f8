import Glibc

/// Writes a feature file so that nfd-worker never reads half of it: the text goes to ".NAME" in the same
/// directory (NFD ignores dotfiles), is fsynced, then renamed over NAME (atomic within a filesystem).
public enum FeatureFileWriter {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ text: String, directory: String = NFDFeatureFile.defaultDirectory,
                             name: String = NFDFeatureFile.fileName) throws {
        let final = directory + "/" + name
        let temporary = directory + "/." + name
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("open \(temporary)") }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { let f = failure("write \(temporary)"); close(fd); unlink(temporary); throw f }
            written += n
        }
        bytes.removeAll()
        guard fsync(fd) == 0, close(fd) == 0 else { let f = failure("sync \(temporary)"); unlink(temporary); throw f }
        guard rename(temporary, final) == 0 else { let f = failure("rename to \(final)"); unlink(temporary); throw f }
    }

    static func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
