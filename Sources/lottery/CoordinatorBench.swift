import ArgumentParser
import Foundation
import Journal
import SweepPlan
import Trainer
import Wire
import Worker

struct CoordinatorBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "The coordinator's cost per trial: trials that train nothing, through a real coordinator process.",
        discussion: """
            Starts `lottery coordinator` on loopback with a sweep of TRIALS dense trials, and \
            in this process WORKERS instant workers (each answers an assignment at once with \
            POINTS metric points and a result). Every result is committed to the journal \
            before it is acknowledged, as always.
            """)

    @Option(help: "Trials in the sweep.")
    var trials = 10_000

    @Option(parsing: .upToNextOption, help: "Worker counts to measure.")
    var workers: [Int] = [1, 8, 64]

    @Option(help: "Metric points each trial streams.")
    var points = 100

    func run() throws {
        print("lottery bench coordinator: \(trials) trials that train nothing, \(points) metric points each; "
              + "coordinator in its own process, workers on loopback TCP")
        let table = TextTable(columns: ["workers", "trials/s", "points/s", "coord ms/trial", "READY→ASSIGN p50 ms",
                                        "p99 ms", "leases lost", "coord max RSS MB"], minimumWidth: 9)
        print(table.header)
        for count in workers {
            let result = try measure(workers: count)
            print(table.line([
                "\(count)", String(format: "%.0f", result.trialsPerSecond), String(format: "%.0f", result.pointsPerSecond),
                String(format: "%.3f", result.coordinatorMillisecondsPerTrial),
                String(format: "%.2f", result.latencyMedian * 1000), String(format: "%.2f", result.latencyP99 * 1000),
                "\(result.leasesLost)", String(format: "%.0f", result.maxResidentMB),
            ]))
        }
        print("coord ms/trial: the coordinator process's CPU time (user + system) over the whole run, divided by the trials")
    }

    private struct Result {
        var trialsPerSecond: Double
        var pointsPerSecond: Double
        var coordinatorMillisecondsPerTrial: Double
        var latencyMedian: Double
        var latencyP99: Double
        var leasesLost: Int
        var maxResidentMB: Double
    }

    private func measure(workers count: Int) throws -> Result {
        let folder = NSTemporaryDirectory() + "lottery-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sweep = folder + "/bench.yaml"
        try """
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 1it, eval_every: 1}
            levels: 0
            seeds: \(trials)
            """.write(toFile: sweep, atomically: true, encoding: .utf8)
        let port = 20_000 + Int.random(in: 0..<20_000)
        let endpoint = "tcp://127.0.0.1:\(port)"
        let coordinator = Process()
        coordinator.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        coordinator.arguments = ["coordinator", sweep, "--bind", endpoint, "--runs", folder + "/runs", "--log-level", "warning", "--no-report"]
        coordinator.standardOutput = FileHandle.nullDevice
        let before = childUsage()
        try coordinator.run()
        let context = try ZMQContext()
        // The workers say they hold the sweep's data, as real ones would.
        let fingerprint = Dataset.fingerprint(of: DataSpec(dataset: "fashion-mnist")).flatMap { SHA256Digest(hex: $0) }
        let datasets = fingerprint.map { ["fashion-mnist": $0] } ?? [:]
        let instantWorkers = (0..<count).map {
            InstantWorker(name: "bench-\($0)", endpoint: endpoint, points: points, datasets: datasets)
        }
        for worker in instantWorkers { worker.start(context: context) }
        for worker in instantWorkers {
            worker.wait()
            if worker.error != nil { coordinator.terminate() }
        }
        coordinator.waitUntilExit()
        let after = childUsage()
        if let error = instantWorkers.compactMap(\.error).first { throw ValidationError("a bench worker failed: \(error)") }
        let first = instantWorkers.compactMap(\.firstAssignment).min()!
        let last = instantWorkers.compactMap(\.lastAcknowledgement).max()!
        let elapsed = (last - first).inSeconds
        let latencies = instantWorkers.flatMap(\.assignmentLatencies).sorted()
        let journal = try Journal(readOnly: folder + "/runs/bench/sweep.sqlite")
        let lost = try journal.events(last: 1_000_000).filter { $0.kind == "worker-lost" || $0.kind == "attempt-failed" }.count
        let done = try journal.trials().filter { $0.state == .done }.count
        guard done == trials else { throw ValidationError("only \(done) of \(trials) trials were journaled done") }
        let storedPoints = try journal.metricCount()
        return Result(
            trialsPerSecond: Double(trials) / elapsed, pointsPerSecond: Double(storedPoints) / elapsed,
            coordinatorMillisecondsPerTrial: (after.cpu - before.cpu) * 1000 / Double(trials),
            latencyMedian: latencies[latencies.count / 2], latencyP99: latencies[latencies.count * 99 / 100],
            leasesLost: lost, maxResidentMB: after.maxResidentKB / 1024)
    }

    private func childUsage() -> (cpu: Double, maxResidentKB: Double) {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return (cpu, Double(usage.ru_maxrss))
    }
}
