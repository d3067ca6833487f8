public enum HostDeviceVersion { public static let current = "0.1.0" }
