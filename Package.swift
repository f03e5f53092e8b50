// swift-tools-version:6.0
// Bespoke: a nightly batch ETL pipeline that turns raw customer data into recommendations,
// segments and churn risk. Module layout and import direction: ../shared/DESIGN.md §4.
import PackageDescription

let package = Package(
    name: "Bespoke",
    products: [
        .executable(name: "bespoke", targets: ["bespoke"]),
        .executable(name: "bespoke-collect", targets: ["bespoke-collect"]),
        .executable(name: "bespoke-dedupe", targets: ["bespoke-dedupe"]),
        .executable(name: "bespoke-impute", targets: ["bespoke-impute"]),
        .executable(name: "bespoke-train", targets: ["bespoke-train"]),
        .executable(name: "bespoke-outliers", targets: ["bespoke-outliers"]),
        .executable(name: "bespoke-features", targets: ["bespoke-features"]),
        .executable(name: "bespoke-score", targets: ["bespoke-score"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "Frame", targets: ["Frame"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries from Debian's -dev packages (`make deps` installs them).
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLibdeflate", path: "Sources/CLibdeflate", pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(
            name: "CSnappy", path: "Sources/CSnappy", pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),

        // fork + exec with PR_SET_PDEATHSIG, which posix_spawn cannot set (header-only shim).
        .systemLibrary(name: "CSpawn", path: "Sources/CSpawn"),

        .target(name: "Gzip", dependencies: ["CZlib", "CLibdeflate", "CSnappy", "CZstd"]),
        .target(name: "Frame"),
        .target(name: "Parquet", dependencies: ["Gzip", "Frame"]),
        .target(name: "Fixtures", dependencies: ["Frame", "Parquet", "Gzip"]),
        .target(name: "Ingest", dependencies: ["Frame", "Parquet", "Gzip", "CSQLite"]),
        // Numeric kernels (models, metrics, TF-IDF): no I/O, no pipeline.
        // The numeric kernels are optimised in debug builds too: the tests fit and score real
        // models on the Fixtures, which unoptimised loops make minutes slower.
        .target(name: "Learn", dependencies: ["Frame", "COpenBLAS"], swiftSettings: optimisedInDebug),
        .target(
            name: "Pipeline",
            dependencies: [
                "Frame", "Parquet", "CSpawn",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "Stages", dependencies: ["Frame", "Parquet", "Pipeline", "Ingest", "Learn"],
            swiftSettings: optimisedInDebug),
        .target(
            name: "BespokeCLI",
            dependencies: [
                "Parquet", "Frame", "Gzip", "Pipeline", "Fixtures", "Stages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "bespoke", dependencies: ["BespokeCLI"]),
        // One executable per built-in stage kind, each a few lines over `StageProgram`.
        .executableTarget(name: "bespoke-collect", dependencies: ["BespokeCLI", "Stages"]),
        .executableTarget(name: "bespoke-dedupe", dependencies: ["BespokeCLI", "Stages"]),
        .executableTarget(name: "bespoke-impute", dependencies: ["BespokeCLI", "Stages"]),
        .executableTarget(name: "bespoke-train", dependencies: ["BespokeCLI", "Stages"]),
        .executableTarget(name: "bespoke-outliers", dependencies: ["BespokeCLI", "Stages"]),
        .executableTarget(name: "bespoke-features", dependencies: ["BespokeCLI", "Stages"]),
        .executableTarget(name: "bespoke-score", dependencies: ["BespokeCLI", "Stages"]),
        // Benchmark harness for `make bench`; not part of the product.
        .executableTarget(name: "parquet-bench", dependencies: ["Parquet", "Frame", "Gzip"], path: "Benchmarks/ParquetBench"),
        .executableTarget(name: "learn-bench", dependencies: ["Learn"], path: "Benchmarks/LearnBench"),

        .target(name: "TestSupport", dependencies: ["Frame"], path: "Tests/TestSupport"),
        .testTarget(name: "GzipTests", dependencies: ["Gzip", "TestSupport"]),
        .testTarget(name: "FrameTests", dependencies: ["Frame", "TestSupport"]),
        .testTarget(
            name: "ParquetTests", dependencies: ["Parquet", "Frame", "Gzip", "TestSupport"],
            resources: [.copy("Corpus")]),
        .testTarget(
            name: "PipelineTests", dependencies: ["Pipeline", "TestSupport"],
            resources: [.copy("Scripts")]),
        .testTarget(name: "BespokeCLITests", dependencies: ["BespokeCLI", "TestSupport"]),
        .testTarget(name: "FixturesTests", dependencies: ["Fixtures", "Frame", "Parquet", "TestSupport"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Frame", "Parquet", "TestSupport"]),
        .testTarget(
            name: "StagesTests", dependencies: ["Stages", "Frame", "Parquet", "Pipeline", "Learn", "TestSupport"]),
        .testTarget(name: "LearnTests", dependencies: ["Learn", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Parquet", "Frame", "Pipeline", "TestSupport"]),
    ]
)

/// `-O` for debug builds of the compute-heavy targets (testing stays enabled, so `@testable` works).
var optimisedInDebug: [SwiftSetting] { [.unsafeFlags(["-O"], .when(configuration: .debug))] }

// libFuzzer targets (`make fuzz`), declared only when BESPOKE_FUZZ=1: they call libFuzzer's
// driver, so they link only with `-sanitize=fuzzer`.
if Context.environment["BESPOKE_FUZZ"] == "1" {
    package.targets += [
        .systemLibrary(name: "CFuzzer", path: "Sources/CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer", "Ingest"]),
        .executableTarget(name: "fuzz-csv", dependencies: ["FuzzSupport", "Ingest"], path: "Sources/FuzzCSV"),
        .executableTarget(
            name: "fuzz-jsonl", dependencies: ["FuzzSupport", "Ingest"], path: "Sources/FuzzJSONLines"),
        .executableTarget(
            name: "fuzz-pipeline", dependencies: ["FuzzSupport", "Ingest", "Pipeline", "Stages"], path: "Sources/FuzzPipeline"),
        .executableTarget(name: "fuzz-parquet", dependencies: ["FuzzSupport", "Parquet"], path: "Sources/FuzzParquet"),
        .executableTarget(name: "fuzz-sniff", dependencies: ["FuzzSupport", "Ingest"], path: "Sources/FuzzSniff"),
    ]
}
