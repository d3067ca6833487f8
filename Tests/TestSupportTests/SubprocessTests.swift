import Testing
import TestSupport

/// The runner every suite uses for witnesses and built binaries.
@Suite struct SubprocessTests {
    /// A pipe holds 64 KiB: a runner that read one stream to its end before the other would wait forever on
    /// a child blocked writing the other. The time limit is the framework's; nothing here is timed.
    @Test(.timeLimit(.minutes(1)))
    func aMebibyteOnEachStreamDoesNotBlock() throws {
        let run = try Subprocess.run(["/bin/sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' e >&2; head -c 1048576 /dev/zero | tr '\\0' o"])
        #expect(run.status == 0 && !run.crashed)
        #expect(run.stderr.utf8.count == 1 << 20 && run.stderr.utf8.allSatisfy { $0 == UInt8(ascii: "e") })
        #expect(run.stdout.utf8.count == 1 << 20 && run.stdout.utf8.allSatisfy { $0 == UInt8(ascii: "o") })
    }

    /// A child that reads all of a large stdin while it writes: written from another thread, so neither waits.
    @Test(.timeLimit(.minutes(1)))
    func aLargeStdinIsWrittenWhileOutputIsRead() throws {
        let input = [UInt8](repeating: UInt8(ascii: "i"), count: 1 << 20)
        let run = try Subprocess.run(["/bin/cat"], stdin: input)
        #expect(run.status == 0)
        #expect(Array(run.stdout.utf8) == input)
    }

    @Test func statusSignalDirectoryAndMergedOutput() throws {
        #expect(try Subprocess.run(["/bin/sh", "-c", "exit 3"]).status == 3)
        let killed = try Subprocess.run(["/bin/sh", "-c", "kill -KILL $$"])
        #expect(killed.crashed && killed.status == 9)
        #expect(try Subprocess.run(["pwd"], directory: "/proc").stdout == "/proc\n")
        #expect(try Subprocess.run(["/bin/sh", "-c", "echo $LINKCAPS_X"], environment: ["LINKCAPS_X": "y"]).stdout == "y\n")
        let merged = Subprocess.shell("echo out; echo err >&2")
        #expect(merged.status == 0 && merged.output == "out\nerr\n")
        #expect(throws: (any Error).self) { try Subprocess.run(["/nonexistent/linkcaps-no-such-program"]) }
    }
}
