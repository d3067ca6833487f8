import Foundation
import Glibc
import Testing

/// The MAC an alias record holds is put back at DEL when the state file is gone; one that is not a MAC
/// address still brings the device home, and DEL says on stderr that its MAC was not restored.
extension Privileged {
    @Suite(.serialized) struct AliasMACTests {
        /// A device a dying namespace returned, with no state file: in the host under another name, its
        /// MAC changed in the container, only the alias record saying what it was.
        func returned(_ lab: Lab, recordedMAC: String) throws -> (device: String, original: String, run: PluginRun) {
            let device = try lab.device()
            let original = try #require(ReferenceCase.mac(device))
            let parked = "lctmac\(getpid() % 10000)"
            try must("ip link set \(device) down && ip link set \(device) address 02:11:22:33:44:55 && "
                     + "ip link set \(device) name \(parked) alias 'linkcaps name=\(device) up=1 mtu=1500 mac=\(recordedMAC)'")
            defer { sh("ip link del \(parked) 2>/dev/null") }
            return (device, original, plugin("DEL", conf(device), netns: "/nonexistent/ns", container: "gone"))
        }

        @Test func aRecordedMACIsRestored() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let (device, original, del) = try returned(lab, recordedMAC: "02:AA:bb:cc:dd:01")
            #expect(del.status == 0, "\(del.stdout) \(del.stderr)")
            #expect(ReferenceCase.mac(device) == "02:aa:bb:cc:dd:01", "the recorded MAC, read in either case: \(link(device) ?? "missing")")
            #expect(original != "02:aa:bb:cc:dd:01")
            #expect(!del.stderr.contains("not a MAC address"), "\(del.stderr)")
        }

        @Test func aMalformedRecordedMACIsSaid() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let (device, _, del) = try returned(lab, recordedMAC: "02:aa:bb:cc:dd:zz")
            #expect(del.status == 0, "the device still comes home: \(del.stdout) \(del.stderr)")
            let after = link(device)
            #expect(after?.contains(",UP") == true, "restored under its name and UP: \(after ?? "missing")")
            #expect(ReferenceCase.mac(device) == "02:11:22:33:44:55", "no MAC to restore")
            #expect(del.stderr.contains("holds mac=\"02:aa:bb:cc:dd:zz\", which is not a MAC address: the device's MAC is not restored"),
                    "DEL says why: \(del.stderr)")
        }
    }
}
