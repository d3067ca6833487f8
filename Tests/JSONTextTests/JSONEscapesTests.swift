import JSONText
import Testing

@Suite("JSON string escapes")
struct JSONEscapesTests {
    func decode(_ body: String, strict: Bool) -> String? {
        Array(body.utf8).withUnsafeBufferPointer { JSONEscapes.decode($0, strict: strict) }
    }

    @Test func plainAndSimpleEscapes() {
        #expect(decode("eth0", strict: true) == "eth0")
        #expect(decode(#"a\"b\\c\/d\n\t"#, strict: true) == "a\"b\\c/d\n\t")
        #expect(decode(#"\q"#, strict: true) == "q")
    }

    @Test func unicodeEscapesAndSurrogatePairs() {
        #expect(decode(#"caf\u00e9"#, strict: true) == "café")
        #expect(decode(#"\ud83d\ude00!"#, strict: true) == "😀!")
        #expect(decode(#"caf\u00E9 ok"#, strict: false) == "café ok")
    }

    @Test func malformedEscapesAreErrorsWhenStrictAndReplacedOtherwise() {
        #expect(decode(#"bad\u12"#, strict: true) == nil)
        #expect(decode(#"bad\uzzzz"#, strict: true) == nil)
        #expect(decode(#"\ud83dx"#, strict: false) == "\u{FFFD}x")
        #expect(decode(#"bad\uzzzzx"#, strict: false)?.hasPrefix("bad\u{FFFD}") == true)
        #expect(decode(#"\ud83d\u0041"#, strict: true) == nil)
    }
}
