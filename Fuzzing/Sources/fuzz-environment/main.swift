import FuzzSupport
import Glibc
@testable import HostDevice
import Netlink

/// The CNI_* variables, set by the runtime. The input is an environment block as execve hands it over:
/// NUL-separated entries, each normally NAME=value, but anything without a NUL is possible. It becomes the
/// process's `environ` for the duration of one run, so the plugin's own reader (CNIEnvironment.process)
/// turns it into the dictionary that CNIEnvironment.read, the state store and the rename request get.
func fuzzEnvironment(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    let entries = bytes.split(separator: 0, omittingEmptySubsequences: false).map { entry -> UnsafeMutablePointer<CChar>? in
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: entry.count + 1)
        var at = 0
        for byte in entry { copy[at] = CChar(bitPattern: byte); at += 1 }
        copy[at] = 0
        return copy
    }
    var block = entries + [nil]
    let variables = block.withUnsafeMutableBufferPointer { withEnvironment($0.baseAddress!) { CNIEnvironment.process } }
    entries.forEach { $0?.deallocate() }
    block.removeAll()

    let store = StateStore(environment: variables)
    _ = StepPause(environment: variables).at
    guard let env = try? CNIEnvironment.read(variables) else { return 0 }
    // What the plugin builds from the environment before it touches anything: the state file's name, the
    // scratch namespace's pin, and the request that renames the device to CNI_IFNAME in the container.
    let attachment = (network: "net", containerID: env.containerID, ifname: env.ifname)
    _ = store.path(attachment)
    _ = store.scratchPin(attachment)
    if !env.ifname.isEmpty {
        encodeAsSent(LinkRequest.change(index: 1, name: env.ifname, up: true))
        encodeAsSent(LinkRequest.get(name: env.ifname))
    }
    _ = env.path.map { $0 + "/host-local" }
    return 0
}

runFuzzer { fuzzEnvironment($0, $1) }
