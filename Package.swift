// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lottery",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lottery", targets: ["lottery"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries. `scripts/install-deps` installs their Debian packages.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The one thing Swift cannot say itself: the x86 MXCSR flush-to-zero bits.
        .target(name: "CFloatControl"),

        .target(
            name: "SweepPlan",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Trainer",
            dependencies: ["CBLAS", "CZlib", "CFloatControl", "SweepPlan"]
        ),
        .target(
            name: "Wire",
            dependencies: ["CZeroMQ", "SweepPlan"]
        ),
        .executableTarget(
            name: "lottery",
            dependencies: [
                "SweepPlan",
                "Trainer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "SweepPlanTests", dependencies: ["SweepPlan"]),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "SweepPlan"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "SweepPlan"]),
    ]
)
