#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one place Matrix touches Foundation's coders, so every JSON it writes has the same shape.
enum JSONCoding {
    static let decoder = JSONDecoder()

    static func data(_ bytes: [UInt8]) -> Data { Data(bytes) }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
