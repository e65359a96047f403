import ArgumentParser
import Coordinator
import Foundation
import LotteryCore
import Reports
import Synchronization
import Worker

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a whole sweep on this machine: a coordinator and local worker processes.",
        discussion: """
            Results go to runs/<name>/ (the journal sweep.sqlite, worker logs in logs/). Run it \
            again to resume: finished trials are not rerun. The exit status is 1 if any trial failed.
            """)

    @Argument(help: "The sweep file, e.g. sweeps/quickstart.yaml.")
    var sweep: String

    @Option(help: "Worker processes (default: one per CPU this process is given, by affinity and cgroup quota; each trains one trial at a time).")
    var workers: Int = CPUAllowance.current().count

    @Option(help: "OpenBLAS threads per worker.")
    var threads = 1

    @OptionGroup var options: CoordinatorOptions

    @OptionGroup var http: HTTPOptions

    func validate() throws {
        try http.check()
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        let logger = makeLogger("lottery.run", level: options.logLevel)
        let sweep = try loadSweep(self.sweep)
        var configuration = options.configuration(endpoint: "tcp://127.0.0.1:*", sweepName: sweep.name)
        configuration.snapshots = http.address == nil ? nil : CoordinatorSnapshots()
        let logs = configuration.runFolder + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let pool = WorkerPool(count: workers, threads: threads, logFolder: logs)
        let plan = Plan(sweep)
        let service = try CoordinatorService(
            sweep: sweep, plan: plan, configuration: configuration, fingerprints: localFingerprints(plan),
            logger: logger, onBound: { endpoint in
                do {
                    try pool.start(endpoint: endpoint)
                } catch {
                    logger.error("cannot start worker processes: \(error)")
                }
            })
        let dashboard = try await http.start(journalPath: configuration.runFolder + "/sweep.sqlite",
                                             snapshots: configuration.snapshots, logger: logger)
        let signals = onTerminationSignals { _ in
            pool.terminate()
            service.stop()
        }
        let outcome = try await service.run()
        withExtendedLifetime(signals) {}
        await dashboard?.stop()
        await pool.waitForExit(timeout: .seconds(10))
        writeReport(runFolder: configuration.runFolder)
        print(outcome.text(runFolder: configuration.runFolder))
        print("worker logs: \(logs)/")
        if !outcome.finished || outcome.failed > 0 { throw ExitCode(1) }
    }
}

/// The local worker processes of `lottery run`.
final class WorkerPool: Sendable {
    let count: Int
    let threads: Int
    let logFolder: String
    private let processes = Mutex<[Process]>([])

    init(count: Int, threads: Int, logFolder: String) {
        self.count = count
        self.threads = threads
        self.logFolder = logFolder
    }

    func start(endpoint: String) throws {
        for index in 1...count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            process.arguments = ["worker", "--connect", endpoint, "--name", "local-\(index)",
                                 "--slots", "1", "--threads", "\(threads)"]
            let log = logFolder + "/worker-\(index).log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            processes.withLock { $0.append(process) }
        }
    }

    /// SIGTERM to every worker: they hand their trials back and leave.
    func terminate() {
        processes.withLock { $0.filter(\.isRunning).forEach { $0.terminate() } }
    }

    /// Waits for the workers to leave (the coordinator told them to); kills stragglers.
    func waitForExit(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while processes.withLock({ $0.contains(where: \.isRunning) }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        processes.withLock { list in
            for process in list where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}
