import Capabilities
import SystemCalls
import Policy

/// Whose device it is. The alias record carries a token of the attachment that put the device where it
/// is (`for=`), so that a DEL or CHECK can tell its own device from another attachment's when a namespace
/// path (/proc/PID/ns/net, a reused bind mount) now names someone else's pod, or when a reboot left a
/// record behind and another pod took the device.
enum AttachmentIdentity {
    /// Network, container id and ifname: what CNI names an attachment by. Hashed, since together they may
    /// run past what IFLA_IFALIAS holds (255 bytes).
    static func token(network: String, containerID: String, ifname: String) -> String {
        FNV1a.hex("\(network)\u{0}\(containerID)\u{0}\(ifname)")
    }

    /// This boot's id, read once per process.
    static let currentBoot = SystemIdentity.current().bootID
}

extension AttachmentIdentity {
    /// The original state an alias record holds, when it is this attachment's: by its `for=`, or, in a
    /// record written before `for=` existed, by the name or MAC the configuration selects.
    static func claimed(by alias: String?, owner: String, conf: NetConf) -> OriginalState? {
        guard let recorded = AliasRecord.decode(alias) else { return nil }
        if let theirs = AliasRecord.owner(alias) { return theirs == owner ? recorded : nil }
        let selected = recorded.name == conf.device || (conf.hwaddr != nil && recorded.mac == conf.hwaddr)
        return selected ? recorded : nil
    }
}
