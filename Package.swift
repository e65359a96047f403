// swift-tools-version:6.0
import PackageDescription

// The trainer's elementwise loops (the fused optimizer step above all) must
// compile to vector instructions:
// - `-fno-math-errno`: otherwise every square root keeps a scalar call to libm's
//   sqrtf (for errno on negative inputs), which stops vectorisation outright;
// - on x86-64, AVX2 and FMA (Haswell, 2013, and every later x86 server) for
//   8-float vectors; `lottery` checks for them at start and says so plainly on
//   an older CPU.
#if arch(x86_64)
let trainerSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno", "-target-cpu", "haswell"])]
#else
let trainerSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"])]
#endif

// Linux only: the binary finds itself through /proc/self/exe and gives memory back with
// glibc's malloc_trim.
#if !os(Linux)
#error("lottery builds and runs on Linux only (Debian 12 is what it is tested on)")
#endif

let package = Package(
    name: "lottery",
    products: [
        .executable(name: "lottery", targets: ["lottery"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The dashboard (`--http`, `lottery serve`): an HTTP server without SwiftNIO, and the
        // Prometheus text format. docs/DASHBOARD.md says what each adds to a clean build.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // glibc's malloc_trim: the coordinator gives memory back after a storm of workers.
        .systemLibrary(name: "CMalloc"),
        // The one thing Swift cannot say itself: the x86 MXCSR flush-to-zero bits.
        .target(name: "CFloatControl"),

        .target(
            name: "SweepPlan",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Trainer",
            dependencies: ["CBLAS", "CZlib", "CFloatControl", "SweepPlan"],
            swiftSettings: trainerSettings
        ),
        .target(name: "Wire", dependencies: ["CZeroMQ", "SweepPlan"]),
        .target(name: "Journal", dependencies: ["CSQLite", "SweepPlan"]),
        .target(name: "Coordinator", dependencies: ["CMalloc", "Wire", "Journal", "SweepPlan", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Worker", dependencies: ["Wire", "Trainer", "SweepPlan", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Reports", dependencies: ["Journal", "SweepPlan"]),
        // The live web page, its JSON API and /metrics: reads the journal, never the coordinator's loop.
        .target(name: "Dashboard", dependencies: [
            "Journal", "Reports", "SweepPlan", "Coordinator",
            .product(name: "FlyingFox", package: "FlyingFox"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Workers that train nothing, thousands to a thread: the coordinator's scale test and benchmark.
        .target(name: "SimulatedWorkers", dependencies: ["Wire", "SweepPlan"]),
        .executableTarget(
            name: "lottery",
            dependencies: [
                "SweepPlan",
                "Trainer",
                "Journal",
                "Wire",
                "Coordinator",
                "Worker",
                "Reports",
                "Dashboard",
                "SimulatedWorkers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // What tests of several targets share: waiting without starving each other.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ClusterTests", dependencies: ["Wire", "Journal", "SweepPlan", "SimulatedWorkers", "TestSupport"]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Journal", "SweepPlan", "TestSupport"]),
        .testTarget(name: "CoordinatorTests", dependencies: ["Coordinator", "SweepPlan"]),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "SweepPlan"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Journal", "SweepPlan"]),
        // FuzzCorpus/: inputs the tests replay (and scripts/fuzz grows), read from the source tree.
        .testTarget(name: "SweepPlanTests", dependencies: ["SweepPlan", "TestSupport"], exclude: ["FuzzCorpus"]),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "SweepPlan", "CZlib", "CFloatControl", "TestSupport"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "SweepPlan"], exclude: ["FuzzCorpus"]),
        .testTarget(name: "WorkerTests", dependencies: ["Worker", "Trainer", "Wire", "SweepPlan"]),
    ]
)
