// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "adviz",
    products: [
        .library(name: "AdvizKit", targets: ["AdvizKit"]),
        .executable(name: "adviz", targets: ["adviz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/google/swift-benchmark", from: "0.1.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        // The engine: expressions, the tape, the sweeps, the traces, the figures. Everything the CLI does lives here.
        .target(
            name: "AdvizKit",
            dependencies: [
                "GraphvizKit", "CairoKit", .product(name: "ComplexModule", package: "swift-numerics"),
                .product(name: "RealModule", package: "swift-numerics"), .product(name: "Yams", package: "Yams"),
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        // Graphviz's C libraries (cgraph, gvc) as Debian's libgraphviz-dev installs them.
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        // The thin Swift layer over CGraphviz: the only code that sees a C pointer.
        .target(name: "GraphvizKit", dependencies: ["CGraphviz"]),
        // Cairo (Debian's libcairo2-dev), for plots in SVG, PNG and PDF.
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // The thin Swift layer over CCairo: a display list of drawing commands, rendered to a format.
        .target(name: "CairoKit", dependencies: ["CCairo"]),
        // The command line: argument parsing only; every command calls AdvizKit.
        .executableTarget(
            name: "adviz",
            dependencies: [
                "AdvizKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Micro-benchmarks of the engine's parts: `swift run -c release AdvizBenchmarks`.
        .executableTarget(
            name: "AdvizBenchmarks",
            dependencies: ["AdvizKit", .product(name: "Benchmark", package: "swift-benchmark")],
            path: "Benchmarks/AdvizBenchmarks"
        ),
        .testTarget(
            name: "AdvizKitTests",
            dependencies: [
                "AdvizKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Golden", "Browser/probe.js"]
        ),
        // Runs the built `adviz` binary, as a user would.
        .testTarget(name: "AdvizCLITests", dependencies: ["adviz"]),
    ]
)
