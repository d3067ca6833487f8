/// A link-layer address as the kernel holds it (IFLA_ADDRESS): 6 bytes for Ethernet, up to MAX_ADDR_LEN
/// (32) for the links host-device also moves (IPoIB's are 20). Text is strict on the way in (every part
/// exactly two hex digits, either case, colons between) and always lower-case on the way out, so two
/// spellings of one address compare equal and a malformed one is refused where it is read, never dropped
/// later.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    /// MAX_ADDR_LEN (include/linux/netdevice.h).
    public static let maximumLength = 32

    public let bytes: [UInt8]

    /// nil for an empty address or one longer than `maximumLength`.
    public init?(bytes: [UInt8]) {
        guard (1...Self.maximumLength).contains(bytes.count) else { return nil }
        self.bytes = bytes
    }

    /// "aa:bb:cc:dd:ee:ff" (or "AA:BB:..."); nil unless every part is exactly two hex digits and there are
    /// 1…32 parts.
    public init?(_ text: String) {
        let utf8 = text.utf8
        // Bounded before any work: 32 parts of two digits and 31 colons.
        guard utf8.count <= Self.maximumLength * 3 - 1 else { return nil }
        let parts = utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2, let high = Self.hexValue(part.first!), let low = Self.hexValue(part.last!) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    /// Lower-case pairs joined by colons: what iproute2 prints and what the kernel's sysfs `address` holds.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for (i, byte) in bytes.enumerated() {
            if i > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

/// Coded as its text: a malformed one fails the decode with the value named.
extension MACAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = MACAddress(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription:
                "\(String(text.prefix(64)).debugDescription) is not a MAC address (hex pairs separated by colons, at most \(Self.maximumLength) bytes)")
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
