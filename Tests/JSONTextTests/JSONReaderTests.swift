@testable import JSONText
import Testing

/// The JSON tree's reader (the plugin's documents, the observations) against RFC 8259: what the grammar accepts, what it refuses, and the choices
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

    /// Each refused, with the reason the reader gives (JSONText's scanner's words, shared with the report
    /// reader since the two readers became one; each names the problem and its byte).
    static let refused: [(String, String)] = [
        ("+1", "invalid JSON at byte 0: value expected"), (".5", "invalid JSON at byte 0: value expected"),
        ("01", "trailing data at byte 1"), ("-01", "trailing data at byte 2"),
        ("1.", "truncated JSON (digit after the decimal point expected at byte 2)"),
        ("1.e5", "invalid JSON at byte 2: digit after the decimal point expected"),
        ("1e", "truncated JSON (digit of the exponent expected at byte 2)"),
        ("1e+", "truncated JSON (digit of the exponent expected at byte 3)"), ("-", "truncated JSON (number expected at byte 1)"),
        ("--1", "invalid JSON at byte 1: number expected"), ("0x10", "trailing data at byte 1"),
        ("Infinity", "invalid JSON at byte 0: value expected"), ("NaN", "invalid JSON at byte 0: value expected"),
        ("\"\\q\"", "invalid JSON at byte 1: unknown escape"), ("\"\\x41\"", "invalid JSON at byte 1: unknown escape"),
        ("\"\\u12\"", "invalid JSON at byte 1: bad \\u escape"), ("\"\\u12G4\"", "invalid JSON at byte 1: bad \\u escape"),
        ("\"\\uD800\"", "invalid JSON at byte 1: unpaired surrogate"), ("\"\\uD800\\u0041\"", "invalid JSON at byte 1: unpaired surrogate"),
        ("\"\\uDC00\"", "invalid JSON at byte 1: unpaired surrogate"),
        ("\"a\u{1}b\"", "invalid JSON at byte 2: control character in a string"),
        ("\"tab\there\"", "invalid JSON at byte 4: control character in a string"),
        ("\"line\nbreak\"", "invalid JSON at byte 5: control character in a string"),
        ("\"unterminated", "truncated JSON (closing quote expected at byte 13)"), ("\"\\", "truncated JSON (escape expected at byte 2)"),
        ("[1,]", "invalid JSON at byte 3: value expected"), ("[1 2]", "invalid JSON at byte 3: ',' or ']' expected"),
        ("{\"a\" 1}", "invalid JSON at byte 5: ':' expected"), ("{a:1}", "invalid JSON at byte 1: string expected"),
        ("{\"a\":1,}", "invalid JSON at byte 7: string expected"), ("", "truncated JSON (value expected at byte 0)"),
        ("{} x", "trailing data at byte 3"), ("[] []", "trailing data at byte 3"), ("nul", "invalid JSON at byte 0: null expected"),
        ("truex", "trailing data at byte 4"),
        ("{\"device\":\"a\",\"device\":\"b\"}", "duplicate key \"device\" at byte 14"),
        ("[{\"k\":1,\"k\":1}]", "duplicate key \"k\" at byte 8"),
    ]

    @Test(arguments: refused)
    func refuses(_ text: String, _ reason: String) {
        do {
            let value = try JSON.parse(text)
            Issue.record("accepted \(text.debugDescription) as \(value)")
        } catch {
            #expect("\(error)" == reason, "\(text.debugDescription): \(error)")
        }
    }

    @Test func invalidUTF8IsRefused() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: JSONError.self, "\(bytes)") { try JSON.parse(bytes) }
        }
    }

    /// 64 levels (it was 128 here before the plugin's reader and the report reader became one): the limit
    /// accepted, one more refused.
    @Test func nestingStopsAtTheBound() throws {
        #expect(JSONScanner.maxDepth == 64)
        let deepest = String(repeating: "[", count: JSONScanner.maxDepth) + String(repeating: "]", count: JSONScanner.maxDepth)
        #expect(throws: Never.self) { try JSON.parse(deepest) }
        let deeper = "[" + deepest + "]"
        #expect { try JSON.parse(deeper) } throws: { "\($0)" == "nested too deeply" }
        // Far past the bound: refused at the bound, not by running out of stack.
        let hostile = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONError.self) { try JSON.parse(hostile) }
    }

    /// Numbers are kept as written up to `JSONScanner.maxNumberLength` bytes (64): the plugin passes them
    /// on, never computes with them; one byte longer is refused; where it needs an integer, one out of range
    /// is nil, never a trap.
    @Test func longNumbersAreKeptAsTextUpToTheBound() throws {
        #expect(JSONScanner.maxNumberLength == 64)
        let digits = String(repeating: "9", count: JSONScanner.maxNumberLength)
        #expect(try JSON.parse(digits) == .number(digits))
        let fraction = "-0." + String(repeating: "1", count: JSONScanner.maxNumberLength - 3)
        #expect(try JSON.parse("[" + fraction + "]") == .array([.number(fraction)]))
        #expect { try JSON.parse(digits + "9") } throws: { "\($0)" == "number too long at byte 0" }
        #expect { try JSON.parse("[" + fraction + "1]") } throws: { "\($0)" == "number too long at byte 1" }
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
