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
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        // `swift package generate-documentation --target AdvizCore`: the DocC catalog.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // `adviz serve`: the live classroom's HTTP server and its presenter WebSocket.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // Already in the graph through Hummingbird: the server's connection guards (timeouts, 414/431) are NIO handlers.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
    ],
    targets: [
        // The layers of the library, one target each, in the order the data flows (see
        // Sources/AdvizKit/AdvizKit.swift); a layer imports only those before it.
        // Text → Program → tape → sweeps → trace, and the trace's writers.
        .target(
            name: "AdvizCore",
            dependencies: ["AdvizOutput", "CMathExtras", .product(name: "ComplexModule", package: "swift-numerics"), .product(name: "RealModule", package: "swift-numerics")]
        ),
        // Output for people and files, knowing nothing of AD: aligned tables, terminal colour,
        // progress bars, atomic writes. Below AdvizCore, whose reports are tables.
        .target(name: "AdvizOutput"),
        // glibc's sincos (a GNU extension Swift's Glibc module leaves out): the primal sweep's sin and cos at once.
        .systemLibrary(name: "CMathExtras"),
        // The alternatives to AD: symbolic differentiation and finite differences.
        .target(name: "AdvizSymbolic", dependencies: ["AdvizCore", "AdvizOutput", .product(name: "ComplexModule", package: "swift-numerics")]),
        // Many points at once: the block interpreter, the derivative as code, compiled kernels.
        .target(name: "AdvizEngines", dependencies: ["AdvizCore", "AdvizSymbolic"]),
        // The graph as a figure, through Graphviz.
        // Its pages' script and template are files, embedded in the binary at build time.
        .target(
            name: "AdvizFigures", dependencies: ["AdvizCore", "AdvizOutput", "GraphvizKit"],
            resources: [.embedInCode("Resources/camera.js"), .embedInCode("Resources/slideshow.html")]
        ),
        // Plots of f, f′ and the error of finite differences, through Cairo.
        .target(name: "AdvizPlots", dependencies: ["AdvizCore", "AdvizSymbolic", "CairoKit"]),
        // Lessons: scripts, the terminal player, the HTML slideshow.
        .target(
            name: "AdvizLessons",
            dependencies: [
                "AdvizCore", "AdvizOutput", "AdvizSymbolic", "AdvizEngines", "AdvizFigures", "AdvizPlots", "TerminalKit", .product(name: "Yams", package: "Yams"),
                // Not AdvizBench: a `show: race` step's table comes in as a value (`LessonRace`).
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        // `adviz bench`: the race, the scaling table, rendering.
        .target(name: "AdvizBench", dependencies: ["AdvizCore", "AdvizOutput", "AdvizEngines", "AdvizFigures", "GraphvizKit"]),
        // `adviz serve`: the live classroom (Explore, Practice, Descent, lessons, presenter mode)
        // on Hummingbird. Not in AdvizKit: a user of the library does not build a server.
        .target(
            name: "AdvizServe",
            dependencies: [
                // AdvizBench: the race a lesson's `show: race` step shows.
                "AdvizCore", "AdvizFigures", "AdvizLessons", "AdvizBench",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            // The pages' markup, style and script, embedded in the binary at build time
            // (`PackageResources.explore_js` …): the installed binary needs nothing beside it.
            resources: [
                .embedInCode("Resources/page.html"), .embedInCode("Resources/explore.html"),
                .embedInCode("Resources/classroom.css"), .embedInCode("Resources/explore.js"),
            ]
        ),
        // The umbrella: `import AdvizKit` brings every layer.
        .target(
            name: "AdvizKit",
            dependencies: ["AdvizOutput", "AdvizCore", "AdvizSymbolic", "AdvizEngines", "AdvizFigures", "AdvizPlots", "AdvizLessons", "AdvizBench", "TerminalKit"]
        ),
        // The terminal's C calls (its size, raw keys): the only code besides GraphvizKit and
        // CairoKit that sees a C pointer.
        .target(name: "TerminalKit"),
        // Graphviz's C libraries (cgraph, gvc) as Debian's libgraphviz-dev installs them.
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        // Repairs for Graphviz 2.42's leaks of HTML-like labels (a figure's worth of memory lost
        // per layout), by interposing two C functions; see its header.
        // libpango is linked (by its runtime name: Debian ships no libpango-1.0.so without the dev
        // package; libgvc's pango plugin needs it anyway) so that the linker exports the executable's
        // `pango_parse_markup` and the plugin binds to it.
        .target(name: "CGraphvizRepairs", linkerSettings: [.linkedLibrary(":libpango-1.0.so.0", .when(platforms: [.linux]))]),
        // The thin Swift layer over CGraphviz: the only code that sees a C pointer.
        .target(name: "GraphvizKit", dependencies: ["CGraphviz", "CGraphvizRepairs"]),
        // Cairo (Debian's libcairo2-dev), for plots in SVG, PNG and PDF.
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // The thin Swift layer over CCairo: a display list of drawing commands, rendered to a format.
        .target(name: "CairoKit", dependencies: ["CCairo"]),
        // The command line: argument parsing only; every command calls AdvizKit.
        .executableTarget(
            name: "adviz",
            dependencies: [
                "AdvizKit", "AdvizServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The micro-benchmarks (`Benchmarks/AdvizBenchmarks`) are a package of their own,
        // `Benchmarks/Package.swift`, so that google/swift-benchmark stays out of this build.
        // Headless Chromium over the DevTools protocol, for the tests that open pages in a browser:
        // one browser for the whole test run (a start-up per page was most of those tests' time).
        // Tests only; no product names it.
        .target(
            name: "BrowserDriver",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/BrowserDriver"
        ),
        .testTarget(
            name: "AdvizKitTests",
            dependencies: [
                "AdvizKit", "BrowserDriver", "AdvizOutput", "AdvizCore", "AdvizSymbolic", "AdvizEngines", "AdvizFigures", "AdvizPlots", "AdvizLessons", "AdvizBench",
                "GraphvizKit", "CairoKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "ComplexModule", package: "swift-numerics"),
            ],
            exclude: ["Golden", "Browser/probe.js"]
        ),
        // The classroom server: requests handed to its router in process, and live over a plain
        // socket or NIO's WebSocket client. Not HummingbirdTesting: its HTTP client brings a TLS
        // stack (BoringSSL, NIOSSL, NIOHTTP2, swift-crypto) that was 40% of a fresh build.
        .testTarget(
            name: "AdvizServeTests",
            dependencies: [
                "AdvizServe", "AdvizCore", "BrowserDriver",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        // Runs the built `adviz` binary, as a user would.
        .testTarget(name: "AdvizCLITests", dependencies: ["adviz"]),
    ]
)
