import Foundation
import Journal
import LotteryCore
import SimulatedWorkers
import TestSupport
import Testing
import Wire

/// Whoever fails, nothing is lost: learning curves across coordinator crashes, leases
/// only their holder can finish, and a sweep that survives most of its workers falling
/// silent at once. Real coordinator processes; real or simulated workers on loopback.
@Suite(.serialized) struct NothingLostTests {
    /// A sweep of `trials` dense trials of an MLP with two hidden units, which simulated
    /// workers answer at once (`SimulatedResult`).
    static func tiny(trials: Int) -> String {
        """
        dataset: fashion-mnist
        model: {preset: lenet-300-100, hidden: [2]}
        training: {length: 1it, eval_every: 1}
        levels: 0
        seeds: \(trials)
        """
    }

    static let answer = SimulatedResult.mlp(inputs: 784, hidden: [2], classes: 10)

    @Test func theWholeLearningCurveSurvivesCoordinatorCrashes() async throws {
        // One trial of 2,000 iterations, evaluated every 50: 41 evaluations of 3 splits.
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 2000, levels: 0, seeds: 1, evalEvery: 50),
                                  name: "crashes")
        try cluster.startCoordinator()
        try await cluster.waitFor("the journal") { !$0.isEmpty }
        try cluster.startWorker("steady")
        for crash in 1...2 {
            // Killed while the worker trains and streams points, down for 1.5 s (the
            // worker goes on training and sending), then started again on the journal.
            _ = try await metricsGrow(cluster, beyond: crash == 1 ? 6 : try cluster.journal().metricCount() + 9)
            cluster.killCoordinator()
            try await Task.sleep(for: .milliseconds(1500))
            try cluster.startCoordinator()
        }
        #expect(try await cluster.waitForCoordinator() == 0, "\(cluster.log("coordinator"))")
        let journal = try cluster.journal()
        let trial = try #require(try journal.trials().first)
        #expect(trial.state == .done)
        let accepted = try journal.metrics(trial: trial.id).filter { $0.attempt == trial.attempts }
        // Validation and test at every evaluation; the training sample at iteration 0, at each
        // new minimum of the validation loss and at the end (docs/TRAINER.md).
        let validation = accepted.map(\.evaluation).filter { $0.split == .validation }.sorted { $0.iteration < $1.iteration }
        var trainingSample: [Int] = []
        var best: Double?
        for point in validation {
            let newMinimum = best.map { point.loss < $0 } ?? true
            if newMinimum { best = point.loss }
            if newMinimum || point.iteration == 2000 { trainingSample.append(point.iteration) }
        }
        let expected = Set(stride(from: 0, through: 2000, by: 50).flatMap { iteration in
            [Split.validation, .test].map { "\(iteration) \($0)" }
        } + trainingSample.map { "\($0) \(Split.train)" })
        let found = Set(accepted.map { "\($0.evaluation.iteration) \($0.evaluation.split)" })
        #expect(found == expected, "missing: \(expected.subtracting(found).sorted().prefix(12))")
        #expect(accepted.count == 82 + trainingSample.count)
    }

    /// Waits until the journal holds more than `count` metric points.
    private func metricsGrow(_ cluster: Cluster, beyond count: Int) async throws -> Int {
        let found = try await poll(timeout: .seconds(60), every: .milliseconds(20)) {
            (try? cluster.journal().metricCount()).flatMap { $0 > count ? $0 : nil }
        }
        if let found { return found }
        Issue.record("the journal never held more than \(count) points; coordinator log:\n\(cluster.log("coordinator"))")
        throw CancellationError()
    }

    @Test func onlyTheHolderOfALeaseCanFinishIt() async throws {
        let cluster = try await Cluster.started(sweep: Self.tiny(trials: 1), name: "holder")
        let holder = try ProtocolPeer(cluster, id: "holder")
        let assignment = try await holder.join(cluster)
        #expect(assignment.lease.count == 33, "lease ids are 128 random bits: \(assignment.lease)")

        let thief = try ProtocolPeer(cluster, id: "thief")
        try thief.send(.hello(ProtocolPeer.hello(cluster, worker: "thief")))
        guard case .welcome? = try await thief.receive() else { Issue.record("the thief was not welcomed"); return }
        let (summary, artifacts) = Self.answer(assignment)
        for lease in [assignment.lease, "L1"] {
            try thief.send(.result(.init(lease: lease, trial: assignment.trial, attempt: assignment.attempt,
                                         summary: summary, artifacts: artifacts)))
            let answer = try await thief.receive()
            guard case .cancel(let cancellation)? = answer else {
                Issue.record("a result for a lease the thief does not hold got \(String(describing: answer))")
                return
            }
            #expect(cancellation.lease == lease && cancellation.reason.contains("does not hold"))
        }
        #expect(try cluster.journal().trials().first?.state == .running)

        try holder.send(.result(.init(lease: assignment.lease, trial: assignment.trial, attempt: assignment.attempt,
                                      summary: summary, artifacts: artifacts, points: 0)))
        guard case .ack? = try await holder.receive() else { Issue.record("the holder's result was not acknowledged"); return }
        #expect(try await cluster.waitForCoordinator() == 0)
        let trial = try #require(try cluster.journal().trials().first)
        #expect(trial.state == .done && trial.worker == "holder")
        #expect(try cluster.journal().counters()["dropped:not-lease-holder"] == 2)
    }

    @Test func aResultForATrialTheSweepDoesNotHaveIsCancelledNotAcknowledged() async throws {
        let cluster = try await Cluster.started(sweep: Self.tiny(trials: 1), name: "unknown")
        let peer = try ProtocolPeer(cluster, id: "confused")
        let assignment = try await peer.join(cluster)
        let (summary, artifacts) = Self.answer(assignment)
        try peer.send(.result(.init(lease: "Lnope", trial: "0123456789abcdef", attempt: 1, summary: summary,
                                    artifacts: artifacts)))
        let answer = try await peer.receive()
        guard case .cancel(let cancellation)? = answer else {
            Issue.record("a result for an unknown trial got \(String(describing: answer))")
            return
        }
        #expect(cancellation.trial == "0123456789abcdef" && cancellation.reason.contains("no trial"))
        cluster.killCoordinator()
    }

    /// A frame far beyond anything the sweep's model needs is refused by libzmq before
    /// the coordinator holds it (the bound is the largest weights artifact plus 64 KiB):
    /// 64 MB of garbage after a bad header leaves its peak memory as it was, and it goes on.
    @Test func aHugeFrameIsNotHeldWhole() async throws {
        let cluster = try await Cluster.started(sweep: Self.tiny(trials: 1), name: "huge")
        let pid = try #require(cluster.coordinator?.processIdentifier)
        let before = try #require(Self.peakKilobytes(pid))
        let vandal = try ProtocolPeer(cluster, id: "vandal")
        try vandal.send(frames: [Array("RESULT".utf8), Array("{not json".utf8), [UInt8](repeating: 7, count: 64 << 20)])
        try await Task.sleep(for: .seconds(2))
        let after = try #require(Self.peakKilobytes(pid))
        #expect(after - before < 16 * 1024, "the coordinator's peak grew from \(before / 1024) to \(after / 1024) MB")
        let honest = try ProtocolPeer(cluster, id: "honest")
        _ = try await honest.join(cluster)
        cluster.killCoordinator()
    }

    /// The process's peak resident memory (VmHWM).
    static func peakKilobytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    /// 2,000 simulated workers take trials of a second each; three quarters of them fall
    /// silent at once (their connections stay up: hung processes) while new workers keep
    /// joining. The sweep ends with every trial done once and none failed, and the
    /// coordinator welcomes each newcomer within a second throughout.
    @Test func aSweepSurvivesMostOfTwoThousandWorkersFallingSilentAtOnce() async throws {
        let trials = 4000
        let cluster = try await Cluster.started(sweep: Self.tiny(trials: trials), name: "silence")
        var configuration = WorkerCrowd.Configuration(
            endpoint: cluster.endpoint, count: 2000,
            datasets: ["fashion-mnist": try #require(SHA256Digest(hex: try ProtocolPeer.fingerprint(cluster).combined))])
        configuration.trainingTime = .seconds(1)
        let crowd = try WorkerCrowd(configuration, answer: Self.answer)
        crowd.start()
        defer { _ = crowd.stop() }

        try await until("2,000 workers are welcomed", timeout: .seconds(60)) { crowd.report.welcomeLatencies.count >= 2000 }
        let initialJoin = crowd.report.welcomeLatencies.count
        try await until("most workers hold a lease", timeout: .seconds(30)) { crowd.report.assignmentLatencies.count >= 1800 }
        crowd.silence(1500)
        // Newcomers keep joining while the sweep runs on the quarter still talking.
        let deadline = ContinuousClock.now + .seconds(120)
        var newcomers = 0
        while cluster.coordinator?.isRunning == true && ContinuousClock.now < deadline {
            if newcomers < 40 {
                crowd.join(1)
                newcomers += 1
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(try await cluster.waitForCoordinator(timeout: .seconds(60)) == 0, "\(cluster.log("coordinator").suffix(3000))")
        let report = crowd.report
        #expect(report.errors.isEmpty, "\(report.errors.prefix(3))")

        let journal = try cluster.journal()
        let records = try journal.trials()
        #expect(records.count == trials && records.allSatisfy { $0.state == .done })
        let done = try journal.events(last: 1_000_000, kind: "done")
        #expect(done.count == trials && Set(done.compactMap(\.trial)).count == trials, "every trial done exactly once")
        let lapsed = try journal.events(last: 1_000_000, kind: "attempt-lapsed").count
        #expect(lapsed >= 1000, "the silent workers' leases lapsed: \(lapsed)")
        #expect(try journal.events(last: 1_000_000, kind: "attempt-failed").isEmpty)

        let later = report.welcomeLatencies.dropFirst(initialJoin)
        #expect(later.count >= 20, "newcomers welcomed: \(later.count)")
        #expect((later.max() ?? 0) < 1, "slowest WELCOME after the silence: \(later.max() ?? 0) s")
    }

    private func until(_ what: String, timeout: Duration, _ condition: () throws -> Bool) async throws {
        if try await poll(timeout: timeout, { try condition() ? true : nil }) != nil { return }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }
}
