import Foundation
import Journal
import LotteryCore
import Testing

/// Whole sweeps through real coordinator and worker processes over TCP on loopback.
@Suite(.serialized) struct SweepRunTests {
    /// Every `done` event of the journal, by trial: exactly one each is "journaled exactly once".
    private func doneEvents(_ journal: Journal) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for event in try journal.events(last: 100_000) where event.kind == "done" { counts[event.trial ?? "", default: 0] += 1 }
        return counts
    }

    @Test func aSweepWithTwoWorkersCompletesWithEveryTrialJournaledOnceInChainOrder() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 200), name: "two-workers")
        #expect(try await cluster.runEmbedded(workers: 2) == 0, "lottery run failed:\n\(cluster.log("run"))")
        let journal = try cluster.journal()
        let trials = try journal.trials()
        #expect(trials.count == 10)
        #expect(trials.allSatisfy { $0.state == .done && $0.attempts == 1 })
        #expect(try doneEvents(journal) == Dictionary(uniqueKeysWithValues: trials.map { ($0.id.rawValue, 1) }))
        let finished = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0.finishedAt!) })
        for trial in trials {
            if let parent = trial.planned.parent { #expect(trial.startedAt! >= finished[parent]!) }
            #expect(trial.summary?.iterations == 200)
            #expect(trial.artifacts.keys.sorted() == ["final-weights", "mask"])
        }
        // Three evaluations (0, 100, 200) of three splits (training sample, validation, test)
        // per trial, each stored once.
        #expect(try journal.metricCount() == 10 * 3 * 3)
        let workers = Set(trials.compactMap(\.worker).map { $0.split(separator: "-").prefix(2).joined(separator: "-") })
        #expect(workers == ["local-1", "local-2"])
    }

    @Test func aKilledWorkersTrialIsRerunElsewhereWithoutDuplicates() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 2500, levels: 1, seeds: 2, evalEvery: 500),
                                  name: "kill-worker")
        try cluster.startCoordinator()
        try cluster.startWorker("victim")
        try cluster.startWorker("survivor")
        // A trial the victim started less than a second ago: it trains for seconds
        // more, so the kill lands in the middle of it.
        func freshOnVictim(_ trial: TrialRecord) -> Bool {
            trial.state == .running && (trial.worker ?? "").hasPrefix("victim-")
                && Date().timeIntervalSince1970 - (trial.startedAt ?? 0) < 1
        }
        try await cluster.waitFor("a trial just started on the victim") { $0.contains(where: freshOnVictim) }
        let victimTrial = try #require(try cluster.journal().trials().first(where: freshOnVictim))
        cluster.killWorker("victim")
        // One worker trains the other five trials: on a machine busy with the rest of the
        // suite that has taken over 90 s.
        #expect(try await cluster.waitForCoordinator(timeout: .seconds(240)) == 0, "\(cluster.log("coordinator"))")
        let journal = try cluster.journal()
        let trials = try journal.trials()
        #expect(trials.allSatisfy { $0.state == .done })
        let rerun = try #require(trials.first { $0.id == victimTrial.id })
        #expect(rerun.attempts >= 2)
        #expect(rerun.worker?.hasPrefix("survivor-") == true)
        #expect(try doneEvents(journal).values.allSatisfy { $0 == 1 })
        #expect(try doneEvents(journal).count == trials.count)
    }

    @Test func aKilledCoordinatorResumesWithoutRerunningFinishedTrials() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 1000, levels: 2, seeds: 2, evalEvery: 500),
                                  name: "kill-coordinator")
        try cluster.startCoordinator()
        try cluster.startWorker("w1")
        try cluster.startWorker("w2")
        try await cluster.waitFor("three finished trials") { $0.filter { $0.state == .done }.count >= 3 }
        cluster.killCoordinator()
        let before = try cluster.journal().trials().filter { $0.state == .done }
        let assignedBefore = try cluster.journal().events(last: 100_000).filter { $0.kind == "assigned" }.count
        try cluster.startCoordinator()
        #expect(try await cluster.waitForCoordinator() == 0, "\(cluster.log("coordinator"))")
        let journal = try cluster.journal()
        let after = try journal.trials()
        #expect(after.allSatisfy { $0.state == .done })
        for trial in before {
            let now = after.first { $0.id == trial.id }!
            #expect(now.finishedAt == trial.finishedAt, "finished trial \(trial.id) was run again")
            #expect(now.attempts == trial.attempts)
        }
        #expect(try doneEvents(journal).values.allSatisfy { $0 == 1 })
        let assignedAfter = try journal.events(last: 100_000).filter { $0.kind == "assigned" }.compactMap(\.trial)
        #expect(Set(assignedAfter.dropFirst(assignedBefore)).isDisjoint(with: before.map(\.id.rawValue)))
        #expect(cluster.log("coordinator").contains("already done"))
    }

    @Test func aTrialThatAlwaysFailsEndsFailedItsDependantsSkippedAndTheRestComplete() async throws {
        let yaml = """
            dataset: {name: [fashion-mnist, mnist], path: [/usr/share/datasets/fashion-mnist, /nonexistent/mnist]}
            zip: [[dataset.name, dataset.path]]
            model: lenet-300-100
            training: {length: 100it, eval_every: 100}
            levels: 1
            controls: {reinit: 1}
            seeds: 1
            """
        let cluster = try Cluster(sweep: yaml, name: "always-fails")
        #expect(try await cluster.runEmbedded(workers: 2) == 1)
        let trials = try cluster.journal().trials()
        let bad = trials.filter { $0.planned.recipe.data.dataset == "mnist" }
        let good = trials.filter { $0.planned.recipe.data.dataset == "fashion-mnist" }
        #expect(bad.count == 3 && good.count == 3)
        #expect(good.allSatisfy { $0.state == .done })
        let root = try #require(bad.first { $0.planned.parent == nil })
        #expect(root.state == .failed)
        #expect(root.attempts == 3)
        #expect(root.error?.contains("/nonexistent/mnist") == true)
        #expect(bad.filter { $0.planned.parent != nil }.allSatisfy { $0.state == .skipped })
        #expect(cluster.log("run").contains("failed after 3 attempts"))
    }
}
