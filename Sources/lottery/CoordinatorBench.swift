import ArgumentParser
import Foundation
import Journal
import LotteryCore
import SimulatedWorkers
import Trainer
import Wire

struct CoordinatorBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "The coordinator under simulated workers: trials/s, READY→ASSIGN latency, memory, and join-and-vanish storms.",
        discussion: """
            Starts `lottery coordinator` on loopback with a sweep of TRIALS dense trials of a small \
            MLP, and in this process WORKERS simulated workers on one thread (each its own DEALER \
            socket): each answers an assignment at once with POINTS metric points and a result whose \
            artifacts have the model's sizes. Every result is committed to the journal before it is \
            acknowledged, as always. Then STORMS times, against a coordinator whose trials never \
            finish, as many workers join, take a trial each and vanish; its resident memory is \
            measured after each storm, once it has declared them dead.
            """)

    @Option(help: "Trials in the sweep.")
    var trials = 10_000

    @Option(parsing: .upToNextOption, help: "Worker counts to measure.")
    var workers: [Int] = [1, 64, 2000]

    @Option(help: "Metric points each trial streams.")
    var points = 99

    @Option(help: "Join-and-vanish storms, each of as many workers as the largest count (0: none).")
    var storms = 4

    @Flag(help: """
        Serve the coordinator's dashboard (--http on a loopback port) and poll it as an open page and a \
        Prometheus scrape would: its event stream read, /metrics, /api/trials, /api/levels and /api/sweep every 500 ms.
        """)
    var dashboard = false

    /// The model every simulated result is sized for: one hidden unit on 784 inputs, so
    /// that a result's artifacts (3.2 KB of weights, a 100-byte mask) cost little to check.
    private static let hidden = [1]

    func run() throws {
        raiseOpenFileLimit()
        print("lottery bench coordinator: \(trials) trials that train nothing, \(points) metric points each; "
              + "coordinator in its own process, simulated workers on one thread, loopback TCP")
        let table = TextTable(columns: ["workers", "trials/s", "points/s", "coord ms/trial", "READY→ASSIGN p50 ms",
                                        "p99 ms", "leases lost", "RSS before MB", "peak MB", "at end MB"], minimumWidth: 9)
        print(table.header)
        for count in workers {
            let result = try measure(workers: count)
            print(table.line([
                "\(count)", String(format: "%.0f", result.trialsPerSecond), String(format: "%.0f", result.pointsPerSecond),
                String(format: "%.3f", result.coordinatorMillisecondsPerTrial),
                String(format: "%.2f", result.latencyMedian * 1000), String(format: "%.2f", result.latencyP99 * 1000),
                "\(result.leasesLost)", megabytes(result.memory.before), megabytes(result.memory.peak),
                megabytes(result.memory.last),
            ]))
        }
        print("coord ms/trial: the coordinator process's CPU time (user + system) over the whole run, divided by the trials")
        if storms > 0, let size = workers.max() { try measureStorms(size: size) }
    }

    private struct Result {
        var trialsPerSecond: Double
        var pointsPerSecond: Double
        var coordinatorMillisecondsPerTrial: Double
        var latencyMedian: Double
        var latencyP99: Double
        var leasesLost: Int
        var memory: MemoryWatch.Figures
    }

    private func measure(workers count: Int) throws -> Result {
        let bench = try BenchFolder(trials: trials, training: "{length: 1it, eval_every: 1}")
        defer { bench.remove() }
        let before = childUsage()
        let port = dashboard ? DashboardPoller.freePort() : nil
        let coordinator = try bench.startCoordinator(httpPort: port)
        let memory = MemoryWatch(pid: coordinator.processIdentifier)
        try bench.waitForJournal()
        memory.markStart()
        let poller = port.map(DashboardPoller.init)
        poller?.start()
        var configuration = WorkerCrowd.Configuration(endpoint: bench.endpoint, count: count, datasets: bench.datasets)
        configuration.points = points
        let crowd = try WorkerCrowd(configuration, answer: SimulatedResult.mlp(inputs: 784, hidden: Self.hidden, classes: 10))
        crowd.start()
        while coordinator.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        let report = crowd.stop()
        if let polled = poller?.stop() {
            print("dashboard: \(polled.requests) requests answered, \(polled.streamedBytes / 1024) KB of events read")
        }
        let figures = memory.stop()
        let after = childUsage()
        if let error = report.errors.first { throw ValidationError("the simulated workers failed: \(error)") }
        guard coordinator.terminationStatus == 0 else {
            throw ValidationError("the coordinator exited with status \(coordinator.terminationStatus)")
        }
        let journal = try Journal(readOnly: bench.journalPath)
        let lost = try journal.events(last: 1_000_000).filter { ["worker-lost", "attempt-failed", "attempt-lapsed"].contains($0.kind) }.count
        let done = try journal.stateCounts()[.done] ?? 0
        guard done == trials else { throw ValidationError("only \(done) of \(trials) trials were journaled done") }
        let elapsed = (report.lastAcknowledgement! - report.firstAssignment!).inSeconds
        let latencies = report.assignmentLatencies.sorted()
        return Result(
            trialsPerSecond: Double(trials) / elapsed, pointsPerSecond: Double(try journal.metricCount()) / elapsed,
            coordinatorMillisecondsPerTrial: (after.cpu - before.cpu) * 1000 / Double(trials),
            latencyMedian: latencies[latencies.count / 2], latencyP99: latencies[latencies.count * 99 / 100],
            leasesLost: lost, memory: figures)
    }

    /// A coordinator with trials that never finish while `storms` crowds of `size` join,
    /// take a trial each and vanish.
    private func measureStorms(size: Int) throws {
        print("")
        print("join-and-vanish storms: \(size) workers join, each takes a trial, all vanish; the coordinator "
              + "(--dead-after 2) declares them dead; its resident memory after each storm:")
        let bench = try BenchFolder(trials: trials, training: "{length: 1it, eval_every: 1}")
        defer { bench.remove() }
        let coordinator = try bench.startCoordinator(deadAfter: 2)
        defer { if coordinator.isRunning { kill(coordinator.processIdentifier, SIGKILL) } }
        try bench.waitForJournal()
        let memory = MemoryWatch(pid: coordinator.processIdentifier)
        var line = ["before: \(megabytes(memory.resident()))"]
        for storm in 1...storms {
            var configuration = WorkerCrowd.Configuration(endpoint: bench.endpoint, count: size, datasets: bench.datasets)
            configuration.prefix = "storm\(storm)"
            // Long enough that no trial finishes: every lease is lost with its worker.
            configuration.trainingTime = .seconds(3600)
            let crowd = try WorkerCrowd(configuration, answer: SimulatedResult.mlp(inputs: 784, hidden: Self.hidden, classes: 10))
            crowd.start()
            let deadline = ContinuousClock.now + .seconds(60)
            while crowd.report.assignmentLatencies.count < min(size, trials) && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            let joined = crowd.report
            _ = crowd.stop()
            // Declared dead after 2 s of silence, checked every 250 ms; then a moment to settle.
            Thread.sleep(forTimeInterval: 4)
            line.append("storm \(storm): \(megabytes(memory.resident())) (\(joined.welcomeLatencies.count) welcomed, "
                        + "\(joined.assignmentLatencies.count) leased, slowest WELCOME "
                        + String(format: "%.0f ms", (joined.welcomeLatencies.max() ?? 0) * 1000) + ")")
        }
        _ = memory.stop()
        for entry in line { print("  " + entry) }
        let journal = try Journal(readOnly: bench.journalPath)
        let failed = try journal.stateCounts()[.failed] ?? 0
        print("  trials failed: \(failed) (a lapse is not a failure)")
    }

    private func megabytes(_ kilobytes: Int) -> String { String(format: "%.0f", Double(kilobytes) / 1024) }

    private func childUsage() -> (cpu: Double, maxResidentKB: Double) {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return (cpu, Double(usage.ru_maxrss))
    }

    /// Thousands of sockets need thousands of descriptors: the soft limit goes up to the hard one.
    private func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// A sweep file and run folder for one measurement, and the coordinator started on it.
private struct BenchFolder {
    let folder: String
    let endpoint: String
    let datasets: [String: SHA256Digest]
    var journalPath: String { folder + "/runs/bench/sweep.sqlite" }

    init(trials: Int, training: String) throws {
        folder = NSTemporaryDirectory() + "lottery-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            dataset: fashion-mnist
            model: {preset: lenet-300-100, hidden: [1]}
            training: \(training)
            levels: 0
            seeds: \(trials)
            """.write(toFile: folder + "/bench.yaml", atomically: true, encoding: .utf8)
        // Below the ephemeral range (32768–60999), where thousands of worker sockets take theirs.
        endpoint = "tcp://127.0.0.1:\(10_000 + Int.random(in: 0..<20_000))"
        // The workers say they hold the sweep's data, as real ones would.
        let fingerprint = Dataset.fingerprint(of: DataSpec(dataset: "fashion-mnist")).flatMap { SHA256Digest(hex: $0) }
        datasets = fingerprint.map { ["fashion-mnist": $0] } ?? [:]
    }

    /// - Parameter deadAfter: seconds of silence after which a worker is dead.
    /// - Parameter httpPort: serve the dashboard on this loopback port.
    func startCoordinator(deadAfter: Int = 5, httpPort: UInt16? = nil) throws -> Process {
        let coordinator = Process()
        coordinator.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        coordinator.arguments = ["coordinator", folder + "/bench.yaml", "--bind", endpoint, "--runs", folder + "/runs",
                                 "--log-level", "error", "--no-report", "--dead-after", "\(deadAfter)"]
            + (httpPort.map { ["--http", "127.0.0.1:\($0)"] } ?? [])
        coordinator.standardOutput = FileHandle.nullDevice
        try coordinator.run()
        return coordinator
    }

    /// The coordinator has begun the journal (and so is about to bind, or has).
    func waitForJournal() throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: journalPath) {
            guard ContinuousClock.now < deadline else { throw ValidationError("the coordinator did not start within 60 s") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Thread.sleep(forTimeInterval: 0.3)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// A process's resident memory (VmRSS), sampled every 50 ms on a thread of its own.
private final class MemoryWatch: @unchecked Sendable {
    // @unchecked: `figures` is behind `lock`.
    struct Figures {
        /// At `markStart()`, peak and the last sample, in kB.
        var before = 0
        var peak = 0
        var last = 0
    }

    private let pid: Int32
    private let lock = NSLock()
    private var figures = Figures()
    private var stopped = false

    init(pid: Int32) {
        self.pid = pid
        let thread = Thread { [self] in
            while !lock.withLock({ stopped }) {
                let rss = resident()
                if rss > 0 {
                    lock.withLock {
                        figures.peak = max(figures.peak, rss)
                        figures.last = rss
                    }
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        thread.start()
    }

    func markStart() {
        let rss = resident()
        lock.withLock { figures.before = rss }
    }

    func stop() -> Figures {
        lock.withLock {
            stopped = true
            return figures
        }
    }

    /// VmRSS in kB, or 0 once the process is gone.
    func resident() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
