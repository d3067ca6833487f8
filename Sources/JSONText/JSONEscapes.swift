/// The body of a JSON string (what lies between its quotes) decoded to a Swift string: \n, \", \uXXXX with
/// surrogate pairs. JSONScanner checks escapes while scanning and decodes values strictly; it decodes
/// leniently only text cut at a byte limit for a message (a cut \u escape becomes U+FFFD). An escape the callers would have refused,
/// such as \q, stands for the letter itself.
public enum JSONEscapes {
    public static func decode(_ raw: UnsafeBufferPointer<UInt8>, strict: Bool) -> String? {
        var scalars = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes.removeAll(keepingCapacity: true)
        }
        var i = 0
        func hex4() -> UInt32? { Self.hex4(raw, at: i + 1) }
        while i < raw.count {
            let byte = raw[i]
            guard byte == 0x5C, i + 1 < raw.count else { bytes.append(byte); i += 1; continue }
            i += 1
            switch raw[i] {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "u"):
                flush()
                guard let first = hex4() else {
                    if strict { return nil }
                    scalars.append("\u{FFFD}")
                    i += 1
                    continue
                }
                var scalar = Unicode.Scalar(first)
                if (0xD800..<0xDC00).contains(first), i + 10 < raw.count, raw[i + 5] == 0x5C, raw[i + 6] == UInt8(ascii: "u") {
                    i += 6
                    if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                        scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00))
                    } else if strict {
                        return nil
                    }
                }
                scalars.append(scalar ?? "\u{FFFD}")
                i += 4
            default: bytes.append(raw[i])
            }
            i += 1
        }
        flush()
        return String(scalars)
    }

    /// The four hex digits at `offset` (of a \u escape) as a number; nil when they are not four hex digits.
    public static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[offset..<(offset + 4)] {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
