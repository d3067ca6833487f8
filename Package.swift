// swift-tools-version:6.0
// The targets and the one-way flow between them: docs/design.md. Each target lists exactly what its files import.
import PackageDescription

// Swift 6 language mode: complete data-race checking.
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]
// apple/swift-system, for the targets that name its Errno or FileDescriptor.
let system: Target.Dependency = .product(name: "SystemPackage", package: "swift-system")

let package = Package(
    name: "linkcaps",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "linkcaps", targets: ["linkcaps"]),
        .executable(name: "linkcaps-host-device", targets: ["linkcaps-host-device"]),
        .library(name: "Netlink", targets: ["Netlink"]),
        .library(name: "Namespaces", targets: ["Namespaces"]),
        .library(name: "Capabilities", targets: ["Capabilities"]),
        .library(name: "Probe", targets: ["Probe"]),
        .library(name: "Policy", targets: ["Policy"]),
        .library(name: "KernelFacts", targets: ["KernelFacts"]),
        .library(name: "CapabilityCache", targets: ["CapabilityCache"]),
        .library(name: "Matrix", targets: ["Matrix", "FleetOutput"]),
        // For the fuzz targets (Fuzzing/Package.swift), which reach the plugin's parsers from another package.
        .library(name: "HostDevice", targets: ["HostDevice"]),
        .library(name: "JSONText", targets: ["JSONText"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Errno, FileDescriptor and their retry on EINTR (SystemCalls adds only what swift-system lacks).
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .systemLibrary(name: "CMnl", pkgConfig: "libmnl", providers: [.apt(["libmnl-dev"])]),
        // libkmod's headers only: pkg-config would add -lkmod, and linking libkmod (with libcrypto, libzstd and
        // liblzma behind it) costs every start of the CLI; CKmodShims opens it at run time instead.
        .systemLibrary(name: "CKmod", providers: [.apt(["libkmod-dev"])]),
        .target(name: "CShims", dependencies: ["CMnl"]),

        .target(name: "CSystemCalls"),
        .target(name: "SystemCalls", dependencies: ["CSystemCalls", system], swiftSettings: swift6),
        .target(name: "Netlink", dependencies: ["SystemCalls", system, "CShims", "CMnl"], swiftSettings: swift6),
        .target(name: "Namespaces", dependencies: ["CShims", "Netlink", "SystemCalls", system], swiftSettings: swift6),
        .target(name: "Capabilities", dependencies: ["JSONText"], swiftSettings: swift6),
        .target(name: "Probe", dependencies: ["Netlink", "Namespaces", "Capabilities", "SystemCalls", system], swiftSettings: swift6),
        .target(name: "Policy", dependencies: ["Capabilities"], swiftSettings: swift6),
        // The one reader of JSON written by others, under the report reader, node lists and the plugin's input.
        .target(name: "JSONText", swiftSettings: swift6),
        .target(name: "Matrix", dependencies: ["Capabilities", "JSONText", "Policy", "FleetOutput"], swiftSettings: swift6,
                plugins: ["BuiltinDataPlugin"]),
        // matrix/catalogue.json and matrix/observations/*.json carried into Matrix at build time as string
        // literals (the documents stay once, under matrix/; nothing generated is committed).
        .executableTarget(name: "BuiltinDataGenerator", path: "Plugins/BuiltinDataGenerator"),
        .plugin(name: "BuiltinDataPlugin", capability: .buildTool(), dependencies: ["BuiltinDataGenerator"]),
        .target(name: "Observing", dependencies: ["JSONText", "Probe"], swiftSettings: swift6),
        .target(name: "FleetOutput", dependencies: ["Capabilities", "Policy", "SystemCalls", system], swiftSettings: swift6),
        // The CNI plugin: no KernelFacts here, so the executable never links libkmod.
        .target(name: "HostDevice", dependencies: ["JSONText", "Policy", "CapabilityCache", "Netlink", "Namespaces", "Capabilities",
                                                   "SystemCalls", system],
                swiftSettings: swift6),
        // Every ADD and DEL is a fresh process: its release build links libstdc++ statically (link/libstdc++.so
        // points -lstdc++ at GCC's archive) and keeps the package's own symbols out of the dynamic symbol
        // table (the static Swift standard library's link arguments export them all), which halves the
        // dynamic loader's and the runtime's start-up work (Benchmarks/README.md, plugin start-up).
        .executableTarget(name: "linkcaps-host-device", dependencies: ["HostDevice", "SystemCalls", system], exclude: ["link"],
                          swiftSettings: swift6,
                          linkerSettings: [.unsafeFlags(["-L", Context.packageDirectory + "/Sources/linkcaps-host-device/link",
                                                         "-Xlinker", "--no-export-dynamic"], .when(configuration: .release))]),

        // KernelFacts links libkmod; CapabilityCache must not (the CNI plugin links it).
        .target(name: "CKmodShims", dependencies: ["CKmod"]),
        .target(name: "KernelFacts", dependencies: ["CKmod", "CKmodShims", "CShims", "Capabilities", "Namespaces", "SystemCalls", system],
                swiftSettings: swift6),
        .target(name: "CapabilityCache", dependencies: ["Probe", "Capabilities", "SystemCalls", system], swiftSettings: swift6),
        .executableTarget(name: "linkcaps-bench", dependencies: ["CapabilityCache", "Capabilities"],
                          path: "Benchmarks/linkcaps-bench", swiftSettings: swift6),
        .testTarget(name: "KernelFactsTests", dependencies: ["KernelFacts", "Capabilities", "Namespaces", "Netlink", "Probe", "SystemCalls",
                                                             "TestSupport"],
                    swiftSettings: swift6),
        .testTarget(name: "CapabilityCacheTests", dependencies: ["CapabilityCache", "Capabilities", "Probe", "TestSupport"],
                    swiftSettings: swift6),

        .executableTarget(
            name: "linkcaps",
            dependencies: [
                "Probe", "Capabilities", "Policy", "KernelFacts", "CapabilityCache", "Matrix", "FleetOutput", "HostDevice", "Observing", "JSONText",
                "SystemCalls", system,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swift6),

        // Shared by the test targets, which cannot depend on one another: a regular target, so `swift build` builds
        // it in every configuration, and it imports no Testing (`swift build -c release` failed on that).
        .target(name: "TestSupport", dependencies: ["JSONText"], path: "Tests/TestSupport", swiftSettings: swift6),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"], swiftSettings: swift6),
        .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls", system, "TestSupport"], swiftSettings: swift6),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "Namespaces", "CShims", "SystemCalls", system, "TestSupport"],
                    swiftSettings: swift6),
        .testTarget(name: "NamespacesTests", dependencies: ["Namespaces", "Netlink", "CShims", "SystemCalls", system, "TestSupport"],
                    swiftSettings: swift6),
        .testTarget(name: "ProbeTests", dependencies: ["Probe", "Capabilities", "Namespaces", "Netlink", "SystemCalls", system, "TestSupport"],
                    swiftSettings: swift6),
        .testTarget(name: "ObservingTests", dependencies: ["Observing", "JSONText", "SystemCalls", system, "TestSupport"], swiftSettings: swift6),
        .testTarget(name: "MatrixTests", dependencies: ["Matrix", "FleetOutput", "Capabilities", "Policy", "Probe", "linkcaps",
                                                         "TestSupport"],
                    exclude: ["Golden", "Fleet"], swiftSettings: swift6),
        .testTarget(name: "FleetOutputTests", dependencies: ["FleetOutput", "Capabilities", "TestSupport"], swiftSettings: swift6),
        .testTarget(name: "JSONTextTests", dependencies: ["JSONText"], swiftSettings: swift6),
        .testTarget(name: "CapabilitiesTests", dependencies: ["Capabilities", "TestSupport"], swiftSettings: swift6),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Capabilities"], exclude: ["Constructed", "Expectations"],
                    swiftSettings: swift6),
        .testTarget(name: "HostDeviceTests", dependencies: ["HostDevice", "Capabilities", "JSONText", "CapabilityCache", "Netlink", "Policy",
                                                            "Probe", "SystemCalls", system, "TestSupport"],
                    exclude: ["LibCNIDriver"], swiftSettings: swift6),
    ]
)
