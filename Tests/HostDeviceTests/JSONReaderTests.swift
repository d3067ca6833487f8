@testable import HostDevice
import Testing

/// The plugin's JSON reader against RFC 8259: what the grammar accepts, what it refuses, and the choices
/// the RFC leaves to readers (duplicate keys, nesting depth, number size). No root needed.
@Suite struct JSONReaderTests {
    static let accepted: [(String, JSON)] = [
        ("0", .number("0")), ("-0", .number("-0")), ("12", .number("12")), ("-12.50", .number("-12.50")),
        ("1e5", .number("1e5")), ("1E+5", .number("1E+5")), ("2.5e-3", .number("2.5e-3")),
        ("true", .bool(true)), ("false", .bool(false)), ("null", .null),
        ("\"\"", .string("")), ("\"a\\\"b\"", .string("a\"b")), ("\"\\\\\\/\\b\\f\\n\\r\\t\"", .string("\\/\u{8}\u{C}\n\r\t")),
        ("\"\\u00e9\"", .string("é")), ("\"\\uD83D\\uDE00\"", .string("😀")), ("\"😀 é\"", .string("😀 é")),
        ("[]", .array([])), ("{}", .object([])), (" \t\r\n[1 , 2]\n", .array([.number("1"), .number("2")])),
        ("{\"a\":{\"b\":[null]}}", .object([("a", .object([("b", .array([.null]))]))])),
    ]

    @Test(arguments: accepted)
    func accepts(_ text: String, _ expected: JSON) throws {
        #expect(try JSON.parse(text) == expected)
    }

    /// Each refused, with the reason the reader gives.
    static let refused: [(String, String)] = [
        ("+1", "invalid value"), (".5", "invalid value"), ("01", "unexpected data"), ("-01", "unexpected data"),
        ("1.", "decimal point"), ("1.e5", "decimal point"), ("1e", "exponent"), ("1e+", "exponent"), ("-", "invalid value"),
        ("--1", "invalid value"), ("0x10", "unexpected data"), ("Infinity", "invalid value"), ("NaN", "invalid value"),
        ("\"\\q\"", "invalid escape"), ("\"\\x41\"", "invalid escape"), ("\"\\u12\"", "\\u escape"), ("\"\\u12G4\"", "\\u escape"),
        ("\"\\uD800\"", "lone high surrogate"), ("\"\\uD800\\u0041\"", "lone high surrogate"), ("\"\\uDC00\"", "lone low surrogate"),
        ("\"a\u{1}b\"", "control character"), ("\"tab\there\"", "control character"), ("\"line\nbreak\"", "control character"),
        ("\"unterminated", "unterminated"), ("\"\\", "unterminated"), ("[1,]", "invalid value"), ("[1 2]", "expected ','"),
        ("{\"a\" 1}", "expected ':'"), ("{a:1}", "expected a key"), ("{\"a\":1,}", "expected a key"), ("", "end of input"),
        ("{} x", "unexpected data"), ("[] []", "unexpected data"), ("nul", "invalid literal"), ("truex", "unexpected data"),
        ("{\"device\":\"a\",\"device\":\"b\"}", "duplicate key"), ("[{\"k\":1,\"k\":1}]", "duplicate key"),
    ]

    @Test(arguments: refused)
    func refuses(_ text: String, _ reason: String) {
        do {
            let value = try JSON.parse(text)
            Issue.record("accepted \(text.debugDescription) as \(value)")
        } catch {
            #expect("\(error)".contains(reason), "\(text.debugDescription): \(error)")
        }
    }

    @Test func invalidUTF8IsRefused() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: JSONError.self, "\(bytes)") { try JSON.parse(bytes) }
        }
    }

    @Test func nestingStopsAtTheBound() throws {
        let deepest = String(repeating: "[", count: JSON.maximumDepth) + String(repeating: "]", count: JSON.maximumDepth)
        #expect(throws: Never.self) { try JSON.parse(deepest) }
        let deeper = "[" + deepest + "]"
        #expect { try JSON.parse(deeper) } throws: { "\($0)".contains("nested deeper") }
        // Far past the bound: refused at the bound, not by running out of stack.
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONError.self) { try JSON.parse(hostile) }
    }

    /// Numbers are kept as written, however long: the plugin passes them on, never computes with them;
    /// where it needs an integer, one out of range is nil, never a trap.
    @Test func hugeNumbersAreKeptAsText() throws {
        let digits = String(repeating: "9", count: 10_000)
        #expect(try JSON.parse(digits) == .number(digits))
        #expect(try JSON.parse("1e999999").int == nil)
        #expect(try JSON.parse(digits).int == nil)
        #expect(try JSON.parse("-9223372036854775809").int == nil)
        #expect(try JSON.parse("9223372036854775807").int == Int.max)
    }

    /// The exact text written, on both paths: strings needing no escape (appended whole) and strings that do.
    @Test func writingIsExact() {
        #expect(JSON.string("net1 /var/run/netns/é-😀").text == #""net1 /var/run/netns/é-😀""#)
        #expect(JSON.string("").text == #""""#)
        #expect(JSON.string("a\"b\\c\n\r\t\u{1}\u{1f}\u{7f}").text == #""a\"b\\c\n\r\t\u0001\u001f\#u{7f}""#)
        #expect(JSON.object([("k\"ey", .string("v"))]).text == #"{"k\"ey":"v"}"#)
    }

    @Test func writingThenReadingGivesTheSameValue() throws {
        let value: JSON = .object([("s", .string("quote \" backslash \\ nul \u{0} bell \u{7} é 😀")),
                                   ("n", .number("-1.5e-7")), ("a", .array([.bool(true), .null, .object([])]))])
        #expect(try JSON.parse(value.text) == value)
    }
}
