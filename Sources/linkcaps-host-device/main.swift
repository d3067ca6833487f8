import Glibc
import HostDevice

// The CNI executable: read stdin, act, print the result (or the CNI error) on stdout.
var input: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 65536)
while true {
    let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { break }
    input += chunk[..<n]
}
let (output, status) = Plugin(environment: CNIEnvironment.process, stdin: input).main()
if !output.isEmpty { print(output) }
exit(status)
