// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "nplm",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "NPLM", targets: ["NPLM"]),
        .executable(name: "nplm", targets: ["nplm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // CSV input files of `nplm fit` (quoting, CRLF, streaming from the file).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .target(
            name: "NPLM",
            dependencies: [.product(name: "CSV", package: "CSV.swift")],
            path: "Sources/NPLM"
        ),
        .executableTarget(
            name: "nplm",
            dependencies: [
                "NPLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/nplm"
        ),
        .testTarget(
            name: "NPLMTests",
            // The executable too: the CLI tests run the built `nplm`.
            dependencies: ["NPLM", "nplm"],
            path: "Tests/NPLMTests"
        ),
    ],
    swiftLanguageModes: [.v5]
)
