// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "nplm",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "NPLM", targets: ["NPLM"]),
        .executable(name: "nplm", targets: ["nplm"]),
        // The C interface of the library (Sources/CNPLM/include/nplm.h), a shared library for
        // other languages: the Python package of python/ loads it.
        .library(name: "NPLMC", type: .dynamic, targets: ["CInterface"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // CSV input files of `nplm fit` (quoting, CRLF, streaming from the file).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // Generators of random inputs for the property-based tests of readers and options.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // `swift package generate-documentation`: the DocC catalogues of the library modules (Sources/*/Documentation.docc, built together by tools/docs.sh).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The fast CPU engine's hot loop: C with one variant per instruction set (SSE2, AVX2, AVX-512),
        // chosen at run time.
        .target(
            name: "CFastLoss",
            path: "Sources/CFastLoss",
            // LAPACK/BLAS for the kernel model's M × M Cholesky factors (Debian libopenblas-dev).
            linkerSettings: [.linkedLibrary("openblas")]
        ),
        // The library, one module per layer; each imports only the layers below it, so an upward
        // dependency does not build (docs/architecture.md draws the layers).
        // Pure numerics: distributions, p-values, significances, histograms. Nothing of nplm.
        .target(name: "NPLMStatistics", path: "Sources/NPLMStatistics"),
        // What every layer shares: random streams, architecture and initialisation, the loss
        // contract and its terms, t from a loss, reference weights, Adam, clipping, errors.
        .target(name: "NPLMCore", dependencies: ["NPLMStatistics"], path: "Sources/NPLMCore"),
        // Samples: npy, CSV and HDF5 readers, preprocessing, the built-in benchmarks and toys,
        // safe result files.
        .target(
            name: "NPLMData",
            dependencies: ["NPLMCore", "NPLMStatistics", .product(name: "CSV", package: "CSV.swift"), "CHDF5"],
            path: "Sources/NPLMData"
        ),
        // Loss and gradient engines (reference, fast CPU, OpenCL), the kernel model's products,
        // the engine factory and the tolerances between engines.
        .target(
            name: "NPLMEngines",
            dependencies: ["NPLMCore", "NPLMStatistics", "COpenCL", "CFastLoss"],
            path: "Sources/NPLMEngines",
            plugins: ["KernelEmbedder"]
        ),
        // The tests: training loop, NPLM, two-sample, permutation, nuisances, kernel model; their
        // records, configurations and model files.
        .target(
            name: "NPLMMethods",
            dependencies: ["NPLMEngines", "NPLMData", "NPLMCore", "NPLMStatistics"],
            path: "Sources/NPLMMethods"
        ),
        // Toy campaigns: runner, files, shards, merge, reports, plots, calibration, bench.
        .target(
            name: "NPLMCampaigns",
            dependencies: ["NPLMMethods", "NPLMEngines", "NPLMData", "NPLMCore", "NPLMStatistics"],
            path: "Sources/NPLMCampaigns"
        ),
        // The umbrella: `import NPLM` gives every layer.
        .target(
            name: "NPLM",
            dependencies: ["NPLMCampaigns", "NPLMMethods", "NPLMEngines", "NPLMData", "NPLMCore", "NPLMStatistics"],
            path: "Sources/NPLM"
        ),
        // OpenCL: the C API (headers from opencl-headers; the ICD loader opened at run time by
        // Sources/COpenCL/loader.c) and the kernels of Kernels/*.cl embedded at build time.
        .target(
            name: "COpenCL",
            path: "Sources/COpenCL",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // HDF5 input files: the HDF5 C library (Debian libhdf5-dev; headers and library found through
        // pkg-config `hdf5`, which points at /usr/include/hdf5/serial and the serial libhdf5).
        .systemLibrary(
            name: "CHDF5",
            path: "Sources/CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .executableTarget(name: "EmbedKernels", path: "Plugins/EmbedKernelsTool"),
        .plugin(name: "KernelEmbedder", capability: .buildTool(), dependencies: ["EmbedKernels"],
                path: "Plugins/KernelEmbedder"),
        .executableTarget(
            name: "nplm",
            dependencies: [
                "NPLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/nplm"
        ),
        // The C interface: the header (types and prototypes) and its Swift implementation, which only
        // marshals arguments and errors and calls the library's public API (above the umbrella NPLM,
        // like the command line, so not one of the layers of docs/architecture.md).
        .target(name: "CNPLM", path: "Sources/CNPLM"),
        .target(name: "CInterface", dependencies: ["NPLM", "CNPLM"], path: "Sources/CInterface"),
        .testTarget(
            name: "NPLMTests",
            // The executable too: the CLI tests run the built `nplm`.
            dependencies: ["NPLM", "NPLMCampaigns", "NPLMMethods", "NPLMEngines", "NPLMData", "NPLMCore", "NPLMStatistics",
                           "nplm", "CHDF5", .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/NPLMTests"
        ),
    ],
    swiftLanguageModes: [.v5]
)
