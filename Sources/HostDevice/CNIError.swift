import JSONText

/// A CNI error: the spec's code, a message and details, printed as JSON on stdout with exit status 1.
public struct CNIError: Error, CustomStringConvertible, Sendable {
    public enum Code: Int, Sendable {
        case incompatibleVersion = 1
        case unsupportedField = 2
        case containerUnknown = 3
        case invalidEnvironment = 4
        case ioFailure = 5
        case decodeFailure = 6
        case invalidConfig = 7
        case tryAgainLater = 11
        case notAvailable = 50      // STATUS: the plugin cannot serve ADDs here
        case generic = 999
    }

    public var code: Code
    public var msg: String
    public var details: String?

    public init(_ code: Code, _ msg: String, details: String? = nil) {
        self.code = code
        self.msg = msg
        self.details = details
    }

    public var description: String { "\(code.rawValue): \(msg)" + (details.map { " (\($0))" } ?? "") }

    public func json(cniVersion: String) -> JSON {
        .object(["cniVersion": .string(cniVersion), "code": .number(String(code.rawValue)), "msg": .string(msg),
                 "details": details.map(JSON.string)])
    }
}
