import Capabilities
import FuzzSupport
@testable import HostDevice
import JSONText
import Netlink

/// The network configuration on stdin (with a prevResult, an IPAM section, runtimeConfig): written by the
/// runtime and by the plugins before us. Everything the plugin derives from it before touching the system
/// runs here: the JSON reader and writer, NetConf for every command, the netlink requests its selectors
/// become, the CIDRs of the result it passes on, and its error JSON.
func fuzzNetConf(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = inputBytes(data, size)
    if let json = try? JSON.parse(bytes) {
        // The plugin writes results and state with `text` and reads them back with `parse`.
        let text = json.text
        let again = try? JSON.parse(text)
        invariant(again == json, "JSON.text does not read back as the same value: \(text)")
    }
    let commands: [CNIEnvironment.Command] = [.add, .check, .del, .version, .status, .gc]
    for command in commands {
        let conf: NetConf
        do { conf = try NetConf.parse(bytes, command: command) } catch {
            _ = error.json(cniVersion: NetConf.latest).text
            continue
        }
        derive(conf)
    }
    return 0
}

/// What ADD, CHECK and DEL compute from a configuration before the first system call.
private func derive(_ conf: NetConf) {
    // A device is looked up by name, then by altname (Inspect.link(named:)); hwaddr, parsed already, is
    // compared by its bytes and printed in messages.
    if let device = conf.device {
        encodeAsSent(LinkRequest.get(name: device))
        encodeAsSent(LinkRequest.get(altName: device))
    }
    if let mac = conf.hwaddr { invariant(MACAddress(mac.description) == mac, "hwaddr does not read back: \(mac)") }
    _ = StateStore.fileName(network: conf.name, containerID: "c", ifname: "eth0")
    // prevResult has the shape of an IPAM result: its addresses and routes become requests in the container.
    guard let result = conf.prevResult else { return }
    for ip in result["ips"]?.array ?? [] {
        if let text = ip["address"]?.string, let (family, address, prefix) = AddressConfig.parseCIDR(text) {
            let request = AddressRequest.add(index: 1, family: family, address: address, prefixLength: prefix)
            encodeAsSent(request)
            _ = request.description
        }
        if let gateway = ip["gateway"]?.string { _ = AddressConfig.parseCIDR(gateway) }
    }
    for route in result["routes"]?.array ?? [] {
        guard let dst = route["dst"]?.string, let (family, address, prefix) = AddressConfig.parseCIDR(dst) else { continue }
        let gateway = route["gw"]?.string.flatMap { AddressConfig.parseCIDR($0)?.1 }
        let request = RouteRequest.add(index: 1, family: family, destination: address, prefixLength: prefix, gateway: gateway)
        encodeAsSent(request)
        _ = request.description   // in the error when the kernel refuses it
    }
    _ = result["interfaces"]?.array?.contains { $0["name"]?.string == "eth0" }
    _ = result.text
}

runFuzzer { fuzzNetConf($0, $1) }
