// swift-tools-version: 6.1
import PackageDescription

// The micro-benchmarks, a package of their own so that google/swift-benchmark and a debug link of
// the benchmarks stay out of adviz's own build (and out of every `swift test`):
//
//     swift run -c release --package-path Benchmarks AdvizBenchmarks
//     swift run -c release --package-path Benchmarks AdvizBenchmarks --filter reverse
let package = Package(
    name: "AdvizBenchmarks",
    dependencies: [
        .package(name: "adviz", path: ".."),
        .package(url: "https://github.com/google/swift-benchmark", from: "0.1.2"),
    ],
    targets: [
        .executableTarget(
            name: "AdvizBenchmarks",
            dependencies: [
                .product(name: "AdvizKit", package: "adviz"),
                .product(name: "Benchmark", package: "swift-benchmark"),
            ],
            path: "AdvizBenchmarks"
        ),
    ]
)
