/// A kernel's X.Y.Z, read from whatever string carries it ("6.1.0-56-cloud-amd64", "v6.2",
/// "Debian 6.1.170-1", "6.12.117+deb12"). Only the numbers matter for inference.
public struct KernelVersion: Comparable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// The first "X.Y" or "X.Y.Z" in the text (a leading "v" is skipped like any other non-digit).
    public init?(parsing text: String) {
        var numbers: [Int] = []
        var current: Int? = nil
        for byte in text.utf8 {
            if byte >= 48 && byte <= 57 {
                let digit = Int(byte - 48)
                guard (current ?? 0) < 100_000 else { return nil }
                current = (current ?? 0) * 10 + digit
            } else if byte == UInt8(ascii: "."), let value = current, numbers.count < 2 {
                numbers.append(value)
                current = nil
            } else {
                if let value = current { numbers.append(value) }
                current = nil
                if numbers.count >= 2 { break }
                numbers = []
            }
        }
        if let value = current, numbers.count < 3 { numbers.append(value) }
        guard numbers.count >= 2 else { return nil }
        self.init(numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: KernelVersion, rhs: KernelVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}
