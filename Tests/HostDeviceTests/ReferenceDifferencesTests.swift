import Foundation
import Testing

/// Where we differ from host-device 1.9.1 on purpose, beyond its own suite's cases (docs/plugin.md,
/// "Versus host-device 1.9.1 and 1.1.1"): each case runs both on the same input and asserts both sides,
/// so that a change in either is seen. Without 1.9.1 only our side runs (the reason is printed).
extension Privileged {
    @Suite(.serialized) struct ReferenceDifferencesTests {
        typealias C = ReferenceCase

        /// Ours gives back the alias the device had; 1.9.1 overwrote it with the host name and clears it.
        /// Ours keeps a record while attached (1.9.1 keeps only the alias).
        @Test func originalAliasAndRecord() throws {
            try ReferenceContender.each { who, lab in
                let device = try lab.device()
                let ns = try lab.namespace()
                try must("ip link set \(device) alias uplink-a")
                let config = C.config("1.0.0", C.device(device))
                let add = who.run("ADD", config, netns: ns)
                #expect(add.status == 0, "\(who): \(add.stdout)")
                let record = Lab.stateDir + "/\(C.network)_dummy_eth0.json"
                #expect(FileManager.default.fileExists(atPath: record) == who.isOurs, "\(who): \(record)")
                #expect(who.run("DEL", config, netns: ns).status == 0)
                #expect(C.alias(device) == (who.isOurs ? "uplink-a" : nil), "\(who): \(link(device) ?? "missing")")
                #expect(!FileManager.default.fileExists(atPath: record), "\(who): \(record) left")
            }
        }

        /// Without cniVersion ours refuses (code 1) before anything moves, and refuses DEL the same way (the
        /// device never left); 1.9.1 moves and renames the device, then fails to print its result (999) and
        /// leaves it in the container, where its DEL (which does not ask for a version) finds it.
        @Test func missingCNIVersion() throws {
            try ReferenceContender.each { who, lab in
                let device = try lab.device()
                let ns = try lab.namespace()
                let config = "{\"name\":\"\(C.network)\",\"type\":\"host-device\",\(C.device(device))}"
                let add = who.run("ADD", config, netns: ns)
                #expect(add.status == 1 && add.code == (who.isOurs ? 1 : 999), "\(who): \(add.stdout)")
                #expect((link(device) != nil) == who.isOurs && (link("eth0", in: ns) != nil) == !who.isOurs,
                        "\(who): host \(link(device) ?? "-"), container \(link("eth0", in: ns) ?? "-")")
                let del = who.run("DEL", config, netns: ns)
                #expect(del.status == (who.isOurs ? 1 : 0) && del.code == (who.isOurs ? 1 : nil), "\(who) DEL: \(del.stdout)")
                #expect(link(device) != nil && link("eth0", in: ns) == nil, "\(who): not in the host after DEL")
            }
        }

        /// CNI_IFNAME already used in the container: ours refuses it (code 4) before anything moves; 1.9.1
        /// moves the device to its scratch namespace, fails the move on (999 "file exists") and moves it back.
        /// Both leave it in the host under its name, UP.
        @Test func ifnameTakenInTheContainer() throws {
            try ReferenceContender.each { who, lab in
                let device = try lab.device()
                let ns = try lab.namespace()
                try must("nsenter --net=\(ns) ip link add eth0 type veth peer name eth0q")
                let add = who.run("ADD", C.config("1.0.0", C.device(device)), netns: ns)
                #expect(add.status == 1 && add.code == (who.isOurs ? 4 : 999), "\(who): \(add.stdout)")
                #expect(C.isUp(device) && C.alias(device) == nil, "\(who): \(link(device) ?? "missing")")
            }
        }

        /// What 1.9.1 accepts and ours refuses (code 7, nothing moved): selectors naming different devices
        /// (1.9.1 takes `device` and ignores the rest), and a duplicate key (code 6; Go's decoder keeps the
        /// last one, other readers the first).
        @Test func refusalsOfWhatItAccepts() throws {
            try ReferenceContender.each { who, lab in
                let device = try lab.device()
                let other = try lab.device()
                let ns = try lab.namespace()
                let otherMAC = try #require(C.mac(other))
                let inputs = [(C.config("1.0.0", C.device(device) + ",\"hwaddr\":\"\(otherMAC)\""), 7, "selectors disagree"),
                              (C.config("1.0.0", C.device(other) + "," + C.device(device)), 6, "duplicate key")]
                for (config, code, label) in inputs {
                    let add = who.run("ADD", config, netns: ns)
                    if who.isOurs {
                        #expect(add.code == code && link(device) != nil && link(other) != nil, "\(label): \(add.stdout)")
                    } else {
                        #expect(add.status == 0 && link(device) == nil && link(other) != nil, "\(who) \(label): \(add.stdout)")
                        #expect(who.run("DEL", config, netns: ns).status == 0)
                        try must("ip link set \(device) up")
                    }
                }
            }
        }
    }
}
