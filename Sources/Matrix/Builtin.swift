/// The catalogue and observations the binary carries (matrix/, written into BuiltinData.swift at build time by
/// Plugins/BuiltinDataPlugin), so that an installed `linkcaps matrix` or `linkcaps audit` answers the same as
/// one run in a checkout. `--catalogue` and `--observations` replace them.
public enum Builtin {
    /// matrix/catalogue.json as it was when the binary was built.
    public static var catalogueBytes: [UInt8] { bytes(BuiltinData.catalogue) }

    /// matrix/observations/*.json as they were when the binary was built: (file name, bytes), sorted by name.
    public static var observationFiles: [(name: String, bytes: [UInt8])] {
        BuiltinData.observations.map { ($0.name, bytes($0.json)) }
    }

    public static func catalogue() throws -> Catalogue { try Catalogue.decode(catalogueBytes) }

    static func bytes(_ text: StaticString) -> [UInt8] {
        text.withUTF8Buffer { Array($0) }
    }
}
