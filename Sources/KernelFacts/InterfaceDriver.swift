import Capabilities
import CShims
import Glibc
import Namespaces
import SystemCalls
import SystemPackage

/// The driver behind a network interface. ETHTOOL_GDRVINFO answers for an interface of the namespace the
/// socket lives in, so it is asked from inside the interface's namespace; sysfs only shows the namespace
/// it was mounted for, so it is the fallback in the host namespace only.
public enum InterfaceDriver {
    public static func describe(_ name: String, in namespace: NetworkNamespace? = nil) -> HostFacts.Interface {
        let ask = { () -> Result<lc_drvinfo, Errno> in ethtoolDriverInfo(name) }
        let answer: Result<lc_drvinfo, Errno>
        if let namespace {
            do { answer = try namespace.run(ask) } catch {
                return HostFacts.Interface(name: name, source: .none, note: "cannot enter namespace: \(error)")
            }
        } else {
            answer = ask()
        }
        switch answer {
        case .success(var info):
            let driver = field(&info.driver)
            var result = HostFacts.Interface(name: name, driver: driver, driverVersion: field(&info.version),
                                             firmwareVersion: field(&info.fw_version), busInfo: field(&info.bus_info),
                                             module: nil, source: .ethtool)
            result.module = namespace == nil ? sysfsModule(name) ?? driver : driver
            return result
        case .failure(let errno):
            guard namespace == nil, let driver = sysfsDriver(name) else {
                return HostFacts.Interface(name: name, source: .none, note: "ETHTOOL_GDRVINFO: \(errno.name)")
            }
            return HostFacts.Interface(name: name, driver: driver, module: sysfsModule(name) ?? driver, source: .sysfs,
                                       note: "ETHTOOL_GDRVINFO: \(errno.name)")
        }
    }

    static func ethtoolDriverInfo(_ name: String) -> Result<lc_drvinfo, Errno> {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(.current) }
        defer { close(fd) }
        var info = lc_drvinfo()
        do { _ = try retryingOnInterrupt { lc_ethtool_drvinfo(fd, name, &info) } } catch { return .failure(error) }
        return .success(info)
    }

    /// /sys/class/net/X/device/driver → .../drivers/virtio_net (virtual devices have no device link).
    static func sysfsDriver(_ name: String) -> String? {
        linkTarget("/sys/class/net/\(name)/device/driver").map(lastComponent)
    }

    static func sysfsModule(_ name: String) -> String? {
        linkTarget("/sys/class/net/\(name)/device/driver/module").map(lastComponent)
    }

    /// No link is no driver (virtual devices, other namespaces); sysfs gives no other answer worth telling.
    static func linkTarget(_ path: String) -> String? { readLink(path) }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func field<T>(_ tuple: inout T) -> String? {
        let text = withUnsafeBytes(of: &tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return text.isEmpty ? nil : text
    }
}
