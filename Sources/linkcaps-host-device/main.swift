import Glibc
import SystemCalls
import HostDevice

// The CNI executable: read stdin, act, print the result (or the CNI error) on stdout.
let input = readAll(fd: 0) ?? []
let (output, status) = Plugin(environment: CNIEnvironment.process, stdin: input).main()
if !output.isEmpty { print(output) }
exit(status)
