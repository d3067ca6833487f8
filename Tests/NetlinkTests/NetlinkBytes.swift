// NLA_F_NESTED (0x8000) is set on nests, as libmnl does since 1.0.4.
// An encoder written from the netlink wire format (little-endian, 4-byte aligned TLVs), independent of
// libmnl, so that golden comparisons check the layer rather than restate it.
struct NetlinkBytes {
    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }
    static func pad(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4) }

    static func attr(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        pad(le16(UInt16(4 + payload.count)) + le16(type) + payload)
    }
    static func string(_ type: UInt16, _ text: String) -> [UInt8] { attr(type, Array(text.utf8) + [0]) }
    static func u32(_ type: UInt16, _ value: UInt32) -> [UInt8] { attr(type, le32(value)) }
    static func nest(_ type: UInt16, _ children: [UInt8]) -> [UInt8] {
        le16(UInt16(4 + children.count)) + le16(type | 0x8000) + children
    }

    static func ifinfo(index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) -> [UInt8] {
        [0, 0] + le16(0) + le32(UInt32(bitPattern: index)) + le32(flags) + le32(change)
    }

    static func message(type: UInt16, flags: UInt16, seq: UInt32, body: [UInt8]) -> [UInt8] {
        le32(UInt32(16 + body.count)) + le16(type) + le16(flags) + le32(seq) + le32(0) + body
    }

    static func fromHex(_ hex: String) -> [UInt8] {
        let digits = Array(hex.filter { $0.isHexDigit })
        return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }
}
