// swift-tools-version: 6.0
import PackageDescription

// Layout and roles: see DESIGN.md §5 (mirrored in README.md).
//
// - `CCmark`: system library over Debian's libcmark (pkg-config `libcmark`); only
//   `Sources/Weave/Parsing/CmarkConverter.swift` imports it.
// - `CBLAS`: system library over Debian's OpenBLAS (CBLAS) and LAPACKE.
// - `Compute`: the numerical library article programs use (never imported by Weave).
// - `WeaveRuntime`: what article programs import besides Compute (claims, formatting,
//   tables, plots, the structured output channel).
// - `WeaveArticle`: a dynamic library product holding Compute + WeaveRuntime, built once
//   in release mode; article programs are compiled against it.
// - `Weave`: parsing, execution, rendering; `WeaveCLI`: the `weave` executable.
// - `WeaveServe`: `weave serve`, the live-preview HTTP server (Hummingbird).
let package = Package(
    name: "Weave",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "weave", targets: ["WeaveCLI"]),
        .library(name: "Weave", targets: ["Weave"]),
        .library(name: "WeaveArticle", type: .dynamic, targets: ["Compute", "WeaveRuntime"]),
        .executable(name: "weave-bench", targets: ["WeaveBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Classifies each block's top-level items (hoisted declarations vs. the body of the
        // article's one function), so that use before definition is a compile error (issue 16).
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "Compute",
            dependencies: ["CBLAS", .product(name: "BigInt", package: "BigInt")],
            swiftSettings: [
                // Code generation for the CPU that builds it (the kit is always built where
                // articles run: `make build`), so the vectorised kernels (softmax, exp) use
                // AVX2 + FMA on the Zen 3 machines of PERF-ANCHORS §6 and AVX-512 where present.
                .unsafeFlags(["-target-cpu", "native"], .when(configuration: .release)),
            ]
        ),
        .target(name: "WeaveRuntime"),
        .target(
            name: "Weave",
            dependencies: [
                "CCmark", "WeaveRuntime",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "SwiftSyntax", package: "swift-syntax"),
            ]
        ),
        .target(
            name: "WeaveServe",
            dependencies: ["Weave", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .executableTarget(
            name: "WeaveCLI",
            dependencies: ["Weave", "WeaveServe", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "WeaveBench",
            dependencies: ["Weave", "Compute", "WeaveRuntime"],
            path: "Benchmarks/WeaveBench"
        ),
        // Fuzz/README.md: a replay tool normally; the libFuzzer target when built by
        // Fuzz/run.sh (-D WEAVE_FUZZ -sanitize=fuzzer,address).
        .executableTarget(name: "WeaveFuzz", dependencies: ["Weave"], path: "Fuzz/WeaveFuzz"),
        .testTarget(name: "ComputeTests", dependencies: ["Compute"], exclude: ["ODE/reference", "Core/reference", "Attention/reference", "Series/reference", "GAN/reference"]),
        .testTarget(name: "WeaveRuntimeTests", dependencies: ["WeaveRuntime"], exclude: ["Format/reference"], resources: [.copy("Plot/Golden")]),
        .testTarget(name: "WeaveTests", dependencies: ["Weave", "CCmark"], exclude: ["Fixtures"]),
        .testTarget(name: "WeaveCLITests", dependencies: ["Weave"]),
    ],
    swiftLanguageModes: [.v6]
)
