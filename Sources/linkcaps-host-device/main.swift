import Glibc
import SystemCalls
import SystemPackage
import HostDevice

// The CNI executable: read stdin, act, print the result (or the CNI error) on stdout. Signals first, so
// that every thread started later inherits the mask (see Interruption).
Interruption.prepareProcess()
let environment = CNIEnvironment.process
let descriptors = DescriptorReport(environment)
// A failed read (its errno, or EFBIG past the limit) is the plugin's to say, in CNI's own terms.
let input = Result { () throws(Errno) in try FileDescriptor.standardInput.readToEnd(limit: Plugin.inputLimit) }
let (output, status) = Plugin(environment: environment, stdin: input).main()
if !output.isEmpty { print(output) }
descriptors.writeIfAsked()
exit(status)
