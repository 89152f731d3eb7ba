// swift-tools-version:6.0
// The pack/unpack/verify driver timed by bench/pack-bench.sh: a thin executable over MLPackArchive,
// kept out of the main package so the product list stays as it is.
import PackageDescription

let package = Package(
    name: "PackBench",
    dependencies: [.package(name: "mlpack", path: "../..")],
    targets: [
        .executableTarget(
            name: "pack-bench",
            dependencies: [
                .product(name: "MLPackArchive", package: "mlpack"), .product(name: "MLPackCore", package: "mlpack"),
            ],
            path: "Sources"),
    ]
)
