import Foundation

// BuiltinDataGenerator OUTPUT CATALOGUE [OBSERVATION...]: writes the Swift source of `BuiltinData`, each
// file as a raw string literal whose value is the file byte for byte (BuiltinDataTests holds it to that).

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("BuiltinDataGenerator: \(message)\n".utf8))
    exit(1)
}

func text(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { fail("\(path): cannot be read") }
    guard let text = String(data: data, encoding: .utf8) else { fail("\(path): not UTF-8") }
    // A literal normalises line endings, so a carriage return would not survive.
    if text.contains("\r") { fail("\(path): carriage returns would not survive a Swift string literal") }
    return text
}

/// A raw multi-line literal whose value is exactly `text`: its delimiter is absent from the text.
func literal(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"\"\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    return hashes + "\"\"\"\n" + text + "\n\"\"\"" + hashes
}

let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first, let catalogue = arguments.dropFirst().first else {
    fail("usage: BuiltinDataGenerator OUTPUT CATALOGUE [OBSERVATION...]")
}
var lines = [
    "// Generated at build time by Plugins/BuiltinDataPlugin from matrix/catalogue.json and matrix/observations/*.json.",
    "",
    "/// The catalogue and the committed observations, built into the binary (see Builtin.swift).",
    "enum BuiltinData {",
    "    static let catalogue: StaticString = " + literal(text(catalogue)),
    "",
    "    static let observations: [(name: String, json: StaticString)] = [",
]
for path in arguments.dropFirst(2) {
    let name = URL(fileURLWithPath: path).lastPathComponent
    if name.contains("\"") || name.contains("\\") { fail("\(name): a quote or backslash in an observation's file name") }
    lines.append("        (\"\(name)\", " + literal(text(path)) + "),")
}
lines += ["    ]", "}", ""]
do {
    try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
} catch {
    fail("\(output): \(error)")
}
