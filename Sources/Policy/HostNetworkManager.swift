/// A service in the host that configures a device itself when the device appears: it brings the device
/// up with its own profile. A device it manages must come home down. Brought home UP (as the device
/// was), it gets a SLAAC address from the LAN's router advertisements at once, and NetworkManager 1.42
/// takes a new device that is already UP with a global address for someone else's configuration: it
/// "assumes" it under a generated in-memory profile and never starts the device's own (seen in
/// `make host-rig` on 5.10 and 7.3.4, Fixtures/hostrig/assumed-keyfile). host-device leaves the device
/// down on DEL and never meets this.
public enum HostNetworkManager: String, Codable, Sendable, CaseIterable {
    case networkManager = "NetworkManager"
    case networkd = "systemd-networkd"
}

extension OriginalState {
    /// Whether DEL brings the device up itself, or leaves that to the manager that had it in the host
    /// (`handedTo`): only a manager still running takes it over; with none, the device is brought up as it was.
    public func upOnReturn(running: Set<HostNetworkManager>) -> (up: Bool, handedTo: HostNetworkManager?) {
        guard up else { return (false, nil) }
        if let managedBy, running.contains(managedBy) { return (false, managedBy) }
        return (true, nil)
    }
}
