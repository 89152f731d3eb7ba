// swift-tools-version:6.0
//
// mlpack: read, write, package, validate and serve MLflow-format models, and run
// sentence-transformer models natively.
//
// Layout
// - Sources/C*            one system-library module per C library (libyaml, libzip, OpenBLAS)
// - Sources/MLPackYAML    the only Swift module importing CYAML
// - Sources/MLPackZip     the only Swift module importing CZip
// - Sources/MLPackBLAS    the only Swift module importing COpenBLAS
// - Sources/CGEMM       the encoder's kernels in C: int8 and Float32 GEMM on pre-packed weights, GELU, softmax,
//                       LayerNorm, short attention (SIMD intrinsics, run-time CPU dispatch)
// - Sources/MLPackGEMM  the only Swift module importing CGEMM
// - Sources/MLPackCore    formats, signatures, values, environment files, the Flavor protocol and registry
// - Sources/MLPackTokenizer, MLPackBERT  shared tokenizer and encoder math used by flavors
// - Sources/MLPackArchive pack / unpack / archive verification
// - Sources/MLPackTracking MLflow tracking: REST and local SQLite stores, models:/ and runs:/ URIs
// - Plugins/<Name>        flavor plugins (import core and the shared modules only)
// - Sources/MLPackCLI     the command tree (thin shell over core and the registry)
// - Sources/mlpack        the executable
import PackageDescription

let package = Package(
    name: "mlpack",
    products: [
        .library(name: "MLPackCore", targets: ["MLPackCore"]),
        .library(name: "MLPackArchive", targets: ["MLPackArchive"]),
        .library(name: "SentenceTransformersFlavor", targets: ["SentenceTransformersFlavor"]),
        .library(name: "SimilarityFlavor", targets: ["SimilarityFlavor"]),
        .executable(name: "mlpack", targets: ["mlpack"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries, each behind one system-library module.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Thin Swift modules over the C libraries: nothing else imports the C modules.
        .target(name: "MLPackYAML", dependencies: ["CYAML"]),
        .target(name: "MLPackZip", dependencies: ["CZip"]),
        .target(name: "MLPackBLAS", dependencies: ["COpenBLAS"]),
        // The encoder's matrix products: int8 (AVX-512 VNNI, AVX-VNNI, AVX2, scalar) and Float32 on
        // pre-packed weights (AVX-512, AVX2, scalar), chosen at run time, behind
        // MLPackGEMM. Instruction sets are set per function in the C file, never by global flags.
        .target(name: "CGEMM"),
        .target(name: "MLPackGEMM", dependencies: ["CGEMM"]),

        // Core: formats, schemas, data values, the Flavor protocol and registry.
        .target(name: "MLPackCore", dependencies: ["MLPackYAML"]),

        // Shared numeric / text modules used by flavors.
        .target(name: "MLPackTokenizer"),
        .target(name: "MLPackBERT", dependencies: ["MLPackBLAS", "MLPackGEMM", "MLPackTokenizer"]),
        // Glue between the encoder and MLflow model directories, shared by the embedding flavors.
        .target(name: "MLPackEmbedding", dependencies: ["MLPackCore", "MLPackBERT", "MLPackTokenizer"]),

        // Packager.
        .target(
            name: "MLPackArchive",
            dependencies: ["MLPackCore", "MLPackZip", .product(name: "Crypto", package: "swift-crypto")]),

        // Flavor plugins.
        .target(
            name: "SentenceTransformersFlavor",
            dependencies: ["MLPackCore", "MLPackEmbedding", "MLPackBERT"],
            path: "Plugins/SentenceTransformers"),
        .target(
            name: "SimilarityFlavor",
            dependencies: ["MLPackCore", "MLPackEmbedding", "MLPackBERT"],
            path: "Plugins/Similarity"),

        // Scoring server (MLflow's /invocations protocol and mlpack's additions). Imports core
        // only: models reach it as core's LoadedModel through ScoringPipeline, never a flavor module.
        .target(
            name: "MLPackServer",
            dependencies: [
                "MLPackCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        // MLflow tracking: the REST client and the local SQLite store, model URIs, `log`. Imports core
        // only (never a flavor): flavors reach it through the registry in the CLI.
        .target(
            name: "MLPackTracking",
            dependencies: [
                "MLPackCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/mlflow-3.17.2-schema.sql")]),

        // Command line.
        .target(
            name: "MLPackCLI",
            dependencies: [
                "MLPackCore", "MLPackYAML", "MLPackArchive", "MLPackBLAS", "MLPackServer", "MLPackTracking", "SentenceTransformersFlavor", "SimilarityFlavor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(name: "mlpack", dependencies: ["MLPackCLI", "MLPackBLAS"]),
        // Benchmark driver used by bench/run.sh (not shipped as a product).
        .executableTarget(name: "mlpack-bench", dependencies: ["MLPackBERT", "MLPackBLAS", "MLPackGEMM"]),

        // libFuzzer harnesses (issue 14), not in any product: one executable per parser under Fuzz/.
        // A normal build replays the files given as arguments; scripts/fuzz.sh builds them with
        // -DFUZZING and sanitizer coverage into .build-fuzz and runs libFuzzer.
        .target(name: "FuzzSupport", path: "Fuzz/Support"),
        .executableTarget(name: "FuzzMLmodel", dependencies: ["FuzzSupport", "MLPackCore"], path: "Fuzz/FuzzMLmodel"),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport", "MLPackCore"], path: "Fuzz/FuzzJSON"),
        .executableTarget(name: "FuzzSignature", dependencies: ["FuzzSupport", "MLPackCore"], path: "Fuzz/FuzzSignature"),
        .executableTarget(name: "FuzzRequest", dependencies: ["FuzzSupport", "MLPackCore"], path: "Fuzz/FuzzRequest"),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", "MLPackCore"], path: "Fuzz/FuzzCSV"),
        .executableTarget(name: "FuzzSafeTensors", dependencies: ["FuzzSupport", "MLPackBERT"], path: "Fuzz/FuzzSafeTensors"),
        .executableTarget(name: "FuzzTokenizer", dependencies: ["FuzzSupport", "MLPackTokenizer"], path: "Fuzz/FuzzTokenizer"),
        .executableTarget(name: "FuzzUnpack", dependencies: ["FuzzSupport", "MLPackArchive"], path: "Fuzz/FuzzUnpack"),
        .executableTarget(name: "FuzzInputExample", dependencies: ["FuzzSupport", "MLPackCore"], path: "Fuzz/FuzzInputExample"),
        .executableTarget(name: "FuzzVocab", dependencies: ["FuzzSupport", "MLPackTokenizer"], path: "Fuzz/FuzzVocab"),
        .executableTarget(name: "FuzzModelConfig", dependencies: ["FuzzSupport", "MLPackBERT"], path: "Fuzz/FuzzModelConfig"),
        .executableTarget(
            name: "FuzzHTTP",
            dependencies: [
                "FuzzSupport", "MLPackCore", "MLPackServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Fuzz/FuzzHTTP"),

        // Tests mirror Sources/ and Plugins/.
        .target(name: "MLPackTestSupport", path: "Tests/MLPackTestSupport"),
        .testTarget(
            name: "SentenceTransformersFlavorTests",
            dependencies: ["SentenceTransformersFlavor", "MLPackCore", "MLPackEmbedding", "MLPackTestSupport"]),
        .testTarget(
            name: "SimilarityFlavorTests",
            dependencies: ["SimilarityFlavor", "MLPackCore", "MLPackEmbedding", "MLPackTestSupport"]),
        .testTarget(name: "MLPackYAMLTests", dependencies: ["MLPackYAML"]),
        .testTarget(name: "MLPackCoreTests", dependencies: ["MLPackCore", "MLPackTestSupport"]),
        .testTarget(name: "MLPackTokenizerTests", dependencies: ["MLPackTokenizer", "MLPackTestSupport"]),
        .testTarget(name: "MLPackBERTTests", dependencies: ["MLPackBERT", "MLPackGEMM", "MLPackTokenizer", "MLPackTestSupport"]),
        .testTarget(
            name: "MLPackTrackingTests",
            dependencies: [
                "MLPackTracking", "MLPackCore", "MLPackTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(name: "MLPackArchiveTests", dependencies: ["MLPackArchive", "MLPackCore", "MLPackZip"]),
        .testTarget(
            name: "MLPackServerTests",
            dependencies: [
                "MLPackServer", "MLPackCore", "MLPackTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "MLPackCLITests",
            dependencies: [
                "MLPackCLI", "MLPackBLAS", "MLPackGEMM", "MLPackCore", "MLPackYAML", "MLPackServer", "MLPackTestSupport", "MLPackArchive",
                "SentenceTransformersFlavor", "SimilarityFlavor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
    ]
)
