import Foundation
import Journal
import LotteryCore
import TestSupport
import Testing

/// Real `lottery` processes on loopback for the tests: a coordinator, workers,
/// and the journal they write, in a temporary folder.
final class Cluster {
    let folder: String
    let sweepPath: String
    let sweepName: String
    let port: Int
    var endpoint: String { "tcp://127.0.0.1:\(port)" }
    var journalPath: String { folder + "/runs/\(sweepName)/sweep.sqlite" }
    private(set) var coordinator: Process?
    private(set) var workers: [String: Process] = [:]

    /// The `lottery` binary built next to this test bundle (`swift build --build-tests` builds both),
    /// or the one `LOTTERY_BINARY` names (to see a new test fail against an older build).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["LOTTERY_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return bundle.appendingPathComponent("lottery").path
    }()

    init(sweep yaml: String, name: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "\(Self.binary) is missing: build it with `swift build --build-tests` (scripts/test does)")
        folder = NSTemporaryDirectory() + "lottery-cluster-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        sweepPath = folder + "/\(name).yaml"
        sweepName = name
        try yaml.write(toFile: sweepPath, atomically: true, encoding: .utf8)
        port = Self.freePort()
    }

    deinit {
        for process in [coordinator].compactMap({ $0 }) + Array(workers.values) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// A cluster whose coordinator has started and begun its journal.
    static func started(sweep yaml: String, name: String) async throws -> Cluster {
        let cluster = try Cluster(sweep: yaml, name: name)
        try cluster.startCoordinator()
        try await cluster.waitFor("the journal") { !$0.isEmpty }
        return cluster
    }

    func startCoordinator(extra: [String] = []) throws {
        coordinator = try launch(["coordinator", sweepPath, "--bind", endpoint, "--runs", folder + "/runs",
                                  "--dead-after", "2"] + extra, log: "coordinator")
    }

    func startWorker(_ name: String, extra: [String] = []) throws {
        // One trial at a time, as these tests were written for (the default is one per CPU).
        workers[name] = try launch(["worker", "--connect", endpoint, "--name", name, "--slots", "1"] + extra, log: name)
    }

    /// `lottery run` with local workers, to completion; returns its exit status.
    func runEmbedded(workers: Int) async throws -> Int32 {
        try await runToEnd(["run", sweepPath, "--workers", "\(workers)", "--runs", folder + "/runs", "--dead-after", "2"],
                           log: "run")
    }

    /// Any `lottery` command, to completion; its exit status (its output is in `log(name)`).
    /// Waits by polling, never by blocking: a blocked thread is one fewer for the
    /// other tests on Swift's small cooperative pool (two threads on two cores).
    func runToEnd(_ arguments: [String], log name: String) async throws -> Int32 {
        let process = try launch(arguments, log: name)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    func killCoordinator() {
        if let coordinator { kill(coordinator.processIdentifier, SIGKILL); coordinator.waitUntilExit() }
    }

    func killWorker(_ name: String) {
        if let worker = workers[name] { kill(worker.processIdentifier, SIGKILL); worker.waitUntilExit() }
    }

    /// Waits for the coordinator to exit; its status.
    func waitForCoordinator(timeout: Duration = .seconds(90)) async throws -> Int32 {
        let coordinator = try #require(coordinator)
        let deadline = ContinuousClock.now + timeout
        while coordinator.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try #require(!coordinator.isRunning, "the coordinator did not finish within \(timeout); log:\n\(log("coordinator"))")
        return coordinator.terminationStatus
    }

    /// Waits for a worker to exit; its status.
    func waitForWorker(_ name: String, timeout: Duration = .seconds(60)) async throws -> Int32 {
        let worker = try #require(workers[name])
        let deadline = ContinuousClock.now + timeout
        while worker.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try #require(!worker.isRunning, "worker \(name) did not exit within \(timeout); log:\n\(log(name))")
        return worker.terminationStatus
    }

    /// Polls the journal until `condition` holds.
    func waitFor(_ what: String, timeout: Duration = .seconds(60),
                 _ condition: ([TrialRecord]) -> Bool) async throws {
        let held: Bool? = try await poll(timeout: timeout) {
            guard FileManager.default.fileExists(atPath: journalPath),
                  let trials = try? Journal(readOnly: journalPath).trials(), condition(trials) else { return nil }
            return true
        }
        if held != nil { return }
        Issue.record("timed out waiting for \(what); coordinator log:\n\(log("coordinator"))")
        throw CancellationError()
    }

    func journal() throws -> Journal { try Journal(readOnly: journalPath) }

    func log(_ name: String) -> String {
        (try? String(contentsOfFile: folder + "/\(name).log", encoding: .utf8)) ?? "(no log)"
    }

    private func launch(_ arguments: [String], log name: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        let path = folder + "/\(name).log"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    private static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Sweeps for the tests: LeNet on Fashion-MNIST, short runs.
enum TestSweeps {
    static func chains(iterations: Int, levels: Int = 2, seeds: Int = 2, evalEvery: Int = 100, extra: String = "") -> String {
        """
        dataset: fashion-mnist
        model: lenet-300-100
        training: {length: \(iterations)it, eval_every: \(evalEvery)}
        levels: \(levels)
        controls: {reinit: 1}
        seeds: \(seeds)
        \(extra)
        """
    }
}
