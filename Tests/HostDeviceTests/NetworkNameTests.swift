import Foundation
import Testing

extension Privileged {
    @Suite(.serialized) struct NetworkNameTests {
        /// The finding: "a DEL sent under a different network name than the ADD brings the device home
        /// using the alias, but leaves the original network's state file behind; a new ADD with the original
        /// network then fails 999 'already has an attachment'". Now the alias record names the attachment
        /// (`for=`: network, container, ifname), so a DEL of another network's attachment moves nothing and
        /// drops nothing: the device stays attached with its record, a new ADD of it is rightly refused (it is
        /// attached), and
        /// the DEL under the original network brings it home, after which the ADD works again.
        @Test func aDelUnderAnotherNetworkNameLeavesTheAttachmentWhole() throws {
            let lab = Lab()
            defer { lab.cleanUp() }
            let device = try lab.device(mtu: 1400)
            let before = linkTable(only: device)
            let ns = try lab.namespace()
            #expect(plugin("ADD", conf(device), netns: ns).status == 0)
            let inPod = link("net1", in: ns)
            let other = conf(device).replacingOccurrences(of: "\"name\":\"lctest\"", with: "\"name\":\"lcother\"")
            #expect(other != conf(device))

            let del = plugin("DEL", other, netns: ns)
            #expect(del.status == 0, "DEL under another network name: \(del.stdout) \(del.stderr)")
            #expect(link("net1", in: ns) == inPod && link(device) == nil, "another network's DEL moves nothing")
            #expect(record(container: "c1") != nil, "and drops nothing")

            let again = plugin("ADD", conf(device), netns: ns)
            #expect(again.code == 7 && again.msg.contains("already attached to container c1"), "\(again.stdout)")
            #expect(link("net1", in: ns) == inPod)

            #expect(plugin("DEL", conf(device), netns: ns).status == 0)
            #expect(linkTable(only: device) == before && record(container: "c1") == nil)
            let afterHome = plugin("ADD", conf(device), netns: ns)
            #expect(afterHome.status == 0, "ADD once the original network's DEL brought it home: \(afterHome.stdout)")
            #expect(plugin("DEL", conf(device), netns: ns).status == 0)
            #expect(linkTable(only: device) == before && record(container: "c1") == nil)
        }
    }
}
