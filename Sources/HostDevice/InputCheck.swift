import Capabilities
import JSONText
import Netlink

/// Checks for text that reaches the kernel or the file system, from whatever source (configuration,
/// environment, state files, alias records). Each answers why the text cannot be used, or nil; the caller
/// turns that into the CNI error of its source (7 for configuration, 4 for the environment, 6 for state).
enum InputCheck {
    /// A link name as the kernel accepts it (dev_valid_name): 1…15 bytes, not "." or "..", no "/", ":",
    /// whitespace or NUL.
    static func linkName(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > LinkLimit.name { return "is longer than \(LinkLimit.name) bytes" }
        if name == "." || name == ".." { return "cannot be \"\(name)\"" }
        if name.unicodeScalars.contains(where: { $0 == "/" || $0 == ":" || $0 == "\0" || $0.properties.isWhitespace }) {
            return "contains / or : or whitespace"
        }
        return nil
    }

    /// Text with a length limit and no NUL (C would cut it there and act on another name).
    static func text(_ value: String, limit: Int) -> String? {
        if value.utf8.count > limit { return "is longer than \(limit) bytes" }
        if value.utf8.contains(0) { return "contains a NUL byte" }
        return nil
    }

    /// A `device` selector: a link name, or an altname (up to 127 bytes).
    static func deviceName(_ name: String) -> String? {
        text(name, limit: LinkLimit.altName)
    }

    /// A PCI or auxiliary device id (`pciBusID`, `runtimeConfig.deviceID`): one name under /sys/bus/*/devices.
    static func deviceID(_ value: String) -> String? {
        text(value, limit: 64) ?? (value.contains("/") || value == "." || value == ".." ? "is not a device id" : nil)
    }

    /// A name the CNI spec allows for networks and container ids: [A-Za-z0-9][A-Za-z0-9_.-]*.
    static func cniName(_ value: String, limit: Int) -> String? {
        if value.isEmpty { return "is empty" }
        if let problem = text(value, limit: limit) { return problem }
        for (offset, byte) in value.utf8.enumerated() {
            let alnum = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if !(alnum || (offset > 0 && (byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")))) {
                return "may hold only letters, digits, _ . - (and start with a letter or digit)"
            }
        }
        return nil
    }

    /// A MAC address as text: 1…32 colon-separated pairs of hex digits (MAX_ADDR_LEN bytes).
    static func mac(_ text: String) -> String? {
        MACAddress(text) == nil ? "is not a MAC address (hex pairs separated by colons, at most \(LinkLimit.address) bytes)" : nil
    }

    /// A value shown in an error message: itself when short, else its start and its length, so that a
    /// 40 KB name does not become a 40 KB error.
    static func shown(_ value: String) -> String { JSONError.shown(value) }
}

/// The value of one hex digit (either case).
func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: return byte - 0x30
    case 0x41...0x46: return byte - 0x41 + 10
    case 0x61...0x66: return byte - 0x61 + 10
    default: return nil
    }
}
