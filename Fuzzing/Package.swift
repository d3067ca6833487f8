// swift-tools-version:6.0
// libFuzzer targets for every parser of input written by others (see Fuzzing/run and the README). A package of
// its own, depending on linkcaps by path, so that the sanitizer flags never reach the main package and
// `swift build` / `make test` never build these. Built only by Fuzzing/run, with
// `-sanitize=fuzzer,address` and `-enable-testing` on every module: the targets reach internal parsers with
// `@testable import`, so no access level in the main package changes for them.
import PackageDescription

/// One executable per parser: its main.swift hands the function under test to libFuzzer's driver.
func fuzzer(_ name: String, _ products: String...) -> Target {
    .executableTarget(name: "fuzz-\(name)",
                      dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "linkcaps") },
                      swiftSettings: [.swiftLanguageMode(.v6)])
}

let package = Package(
    name: "linkcaps-fuzz",
    dependencies: [.package(name: "linkcaps", path: "..")],
    targets: [
        .target(name: "CFuzzSupport"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzSupport", .product(name: "Capabilities", package: "linkcaps"),
                                                   .product(name: "Netlink", package: "linkcaps"),
                                                   .product(name: "Policy", package: "linkcaps")],
                swiftSettings: [.swiftLanguageMode(.v6)]),
        fuzzer("netconf", "HostDevice", "JSONText", "Netlink", "Capabilities"),
        fuzzer("environment", "HostDevice", "Netlink"),
        fuzzer("state", "HostDevice", "JSONText", "Policy", "Netlink", "Capabilities"),
        fuzzer("cache-file", "CapabilityCache", "Capabilities"),
        fuzzer("report", "Capabilities", "Matrix"),
        fuzzer("netlink", "Netlink", "Policy", "HostDevice", "Capabilities"),
    ]
)
