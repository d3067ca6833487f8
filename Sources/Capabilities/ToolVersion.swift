/// The version of linkcaps, in one place: the report's `tool.version`, the cache key's probe set,
/// `linkcaps --version` (which scripts/make-deb reads for the package) and the plugin.
public enum ToolVersion {
    public static let current = "0.1.0"
}
