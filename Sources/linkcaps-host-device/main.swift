import Glibc
import SystemCalls
import SystemPackage
import HostDevice

// The CNI executable: read stdin, act, print the result (or the CNI error) on stdout. Signals first, so
// that every thread started later inherits the mask (see Interruption).
Interruption.prepareProcess()
let environment = CNIEnvironment.process
let descriptors = DescriptorReport(environment)
// nil (unreadable, or past the limit) is the plugin's decode failure, said in CNI's own terms.
let input = try? FileDescriptor.standardInput.readToEnd(limit: Plugin.inputLimit)
let (output, status) = Plugin(environment: environment, stdin: input).main()
if !output.isEmpty { print(output) }
descriptors.writeIfAsked()
exit(status)
