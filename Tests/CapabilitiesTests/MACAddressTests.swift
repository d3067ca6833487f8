import Capabilities
import Foundation
import Testing

@Suite struct MACAddressTests {
    @Test(arguments: [
        ("aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff"), ("AA:Bb:cC:00:11:22", "aa:bb:cc:00:11:22"), ("07", "07"),
        ("80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:0b:0c", "80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:0b:0c"),
    ])
    func readsStrictlyAndWritesLowerCase(_ text: String, _ formatted: String) throws {
        let mac = try #require(MACAddress(text))
        #expect(mac.description == formatted)
        #expect(MACAddress(formatted) == mac, "two spellings, one address")
    }

    @Test(arguments: ["", ":", "aa:", ":aa", "aa::bb", "a:bb:cc:dd:ee:ff", "aaa:bb", "aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:fg",
                      "+a:bb:cc:dd:ee:ff", " aa:bb", "aa:bb ", "aabbccddeeff", "aa:bb:cc:dd:ee:ff\u{0}", "ａａ:bb",
                      String(repeating: "aa:", count: 32) + "aa", String(repeating: "a", count: 100_000)])
    func refusesWhatIsNotOne(_ text: String) {
        #expect(MACAddress(text) == nil, "\(text.prefix(40).debugDescription)")
    }

    @Test func boundsAreMAXADDRLEN() throws {
        #expect(MACAddress(bytes: []) == nil)
        #expect(MACAddress(bytes: [UInt8](repeating: 1, count: 33)) == nil)
        let longest = try #require(MACAddress(bytes: [UInt8](repeating: 0xab, count: 32)))
        #expect(longest.description == Array(repeating: "ab", count: 32).joined(separator: ":"))
        #expect(MACAddress(longest.description) == longest)
        #expect(MACAddress(bytes: [0x02, 0, 0, 0, 0, 0x0f])?.description == "02:00:00:00:00:0f")
    }

    @Test func codesAsItsTextAndNamesAMalformedOne() throws {
        let mac = try #require(MACAddress("02:AB:00:00:00:01"))
        #expect(String(decoding: try JSONEncoder().encode([mac]), as: UTF8.self) == #"["02:ab:00:00:00:01"]"#)
        #expect(try JSONDecoder().decode([MACAddress].self, from: Data(#"["02:ab:00:00:00:01"]"#.utf8)) == [mac])
        do {
            _ = try JSONDecoder().decode([MACAddress].self, from: Data(#"["02:ab:00:00:00:0g"]"#.utf8))
            Issue.record("a malformed MAC decoded")
        } catch {
            #expect("\(error)".contains(#""02:ab:00:00:00:0g" is not a MAC address"#), "\(error)")
        }
    }
}
