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

        // The words every other target speaks: models, presets, recipes, results, trial ids,
        // sweeps and plans as values. No dependencies.
        .target(name: "LotteryCore"),
        // Reading sweep files (YAML) into those values; the only target that links Yams.
        .target(
            name: "SweepPlan",
            dependencies: ["LotteryCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Trainer",
            dependencies: ["CBLAS", "CZlib", "CFloatControl", "LotteryCore"],
            swiftSettings: trainerSettings
        ),
        .target(name: "Wire", dependencies: ["CZeroMQ", "LotteryCore"]),
        .target(name: "Journal", dependencies: ["CSQLite", "LotteryCore"]),
        .target(name: "Coordinator", dependencies: ["CMalloc", "Wire", "Journal", "LotteryCore", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Worker", dependencies: ["Wire", "Trainer", "LotteryCore", .product(name: "Logging", package: "swift-log")]),
        // Reads the sweep file a journal holds with the reader its caller passes (SweepFileReader),
        // so that it needs no YAML of its own.
        .target(name: "Reports", dependencies: ["Journal", "LotteryCore"]),
        // The live web page, its JSON API and /metrics: reads the journal, never the coordinator's loop.
        .target(name: "Dashboard", dependencies: [
            "Journal", "Reports", "Coordinator", "LotteryCore",
            .product(name: "FlyingFox", package: "FlyingFox"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Workers that train nothing, thousands to a thread: the coordinator's scale test and benchmark.
        .target(name: "SimulatedWorkers", dependencies: ["Wire", "LotteryCore"]),
        // What `lottery bench` measures with: the trainer's throughput, a synthetic journal.
        // Not part of any library that a sweep runs on.
        .target(name: "Benchmarks", dependencies: ["Trainer", "Journal", "LotteryCore", "CFloatControl"]),
        .executableTarget(
            name: "lottery",
            dependencies: [
                "Benchmarks",
                "LotteryCore",
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
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "Journal", "LotteryCore", "SweepPlan"]),
        .testTarget(name: "ClusterTests", dependencies: ["Wire", "Journal", "LotteryCore", "SimulatedWorkers", "TestSupport"]),
        .testTarget(name: "CoordinatorTests", dependencies: ["Coordinator", "Journal", "Wire", "LotteryCore", "SweepPlan", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "LotteryCore", "SweepPlan"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Journal", "LotteryCore", "SweepPlan", "Benchmarks"]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Journal", "LotteryCore", "SweepPlan", "TestSupport"]),
        // FuzzCorpus/: inputs the tests replay (and scripts/fuzz grows), read from the source tree.
        .testTarget(name: "SweepPlanTests", dependencies: ["SweepPlan", "LotteryCore", "TestSupport"], exclude: ["FuzzCorpus"]),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "LotteryCore", "SweepPlan", "CZlib", "CFloatControl", "TestSupport"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "LotteryCore"], exclude: ["FuzzCorpus"]),
        .testTarget(name: "WorkerTests", dependencies: ["Worker", "Trainer", "Wire", "LotteryCore", "Benchmarks", .product(name: "Logging", package: "swift-log")]),
    ]
)
