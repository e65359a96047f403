import Journal
import LotteryCore
import Testing

@testable import Reports

@Suite struct LevelSummaryTests {
    @Test func oneRowPerConfigLevelAndBranchKind() throws {
        let fixture = try JournalFixture.finished()
        let results = try fixture.results()
        let levels = LevelSummary.all(results, grouping: try Grouping(plan: results.plan, axes: nil))
        #expect(levels.map { "\($0.group) \($0.level) \($0.branch.rawValue) \($0.trials.count) \($0.done)" } == [
            "0 0 dense 2 2", "0 1 ticket 2 2", "0 1 reinit 4 4", "0 2 ticket 2 2", "0 2 reinit 4 4",
            "1 0 dense 2 2", "1 1 ticket 2 2", "1 1 reinit 4 4", "1 2 ticket 2 2", "1 2 reinit 4 4",
        ])
    }

    @Test func theSharedDenseRunBelongsToBothConfigs() throws {
        let fixture = try JournalFixture.finished()
        let results = try fixture.results()
        let levels = LevelSummary.all(results, grouping: try Grouping(plan: results.plan, axes: nil))
        let dense = levels.filter { $0.branch == .dense }
        #expect(dense.map(\.group) == [0, 1])
        for row in dense {
            #expect(Set(row.trials) == [fixture.dense(seed: 0).id, fixture.dense(seed: 1).id])
            let accuracy = try #require(row.figures[.earlyStopTestAccuracy])
            // 0.5 and 0.75: mean 0.625, deviations ±0.125, sample variance 2 × 0.015625 / 1.
            #expect(accuracy.n == 2)
            #expect(accuracy.mean == 0.625)
            #expect(accuracy.std == (0.03125).squareRoot())
            #expect(accuracy.min == 0.5 && accuracy.max == 0.75)
            let earlyStop = try #require(row.figures[.earlyStopIteration])
            #expect(earlyStop.mean == 150)
            #expect(earlyStop.std == (5_000.0).squareRoot())
            #expect(row.figures[.weightsRemaining]?.mean == 100)
            #expect(row.figures[.weightsRemaining]?.std == 0)
        }
    }

    @Test func controlReplicatesPoolWithTheSeeds() throws {
        let fixture = try JournalFixture.finished()
        let results = try fixture.results()
        let levels = LevelSummary.all(results, grouping: try Grouping(plan: results.plan, axes: nil))
        let reinit = try #require(levels.first { $0.group == 0 && $0.level == 1 && $0.branch == .reinit })
        let accuracy = try #require(reinit.figures[.earlyStopTestAccuracy])
        // 0.25, 0.5, 0.75, 1.0: mean 0.625, squared deviations sum to 0.3125 over n − 1 = 3.
        #expect(accuracy.n == 4)
        #expect(accuracy.mean == 0.625)
        #expect(accuracy.std == (0.3125 / 3).squareRoot())
        #expect(accuracy.min == 0.25 && accuracy.max == 1.0)
        let final = try #require(reinit.figures[.finalTestAccuracy])
        #expect(final.mean == 0.5625, "the fixture's final accuracy is 0.0625 below the early-stop one")
        let loss = try #require(reinit.figures[.minValidationLoss])
        #expect(loss.mean == 0.5 && loss.std == 0)
        let ticket = try #require(levels.first { $0.group == 0 && $0.level == 1 && $0.branch == .ticket })
        #expect(reinit.plannedWeightsRemaining == ticket.plannedWeightsRemaining)
        #expect(ticket.plannedWeightsRemaining == 100 * fixture.trial(level: 1, .ticket, seed: 0, fc: "0.2").weightsRemaining)
    }

    @Test func pendingTrialsCountButHaveNoFigures() throws {
        let fixture = try JournalFixture()
        try fixture.finish(fixture.dense(seed: 0), accuracy: 0.5)
        let results = try fixture.results()
        let levels = LevelSummary.all(results, grouping: try Grouping(plan: results.plan, axes: nil))
        let dense = try #require(levels.first)
        #expect(dense.trials.count == 2 && dense.done == 1)
        #expect(dense.figures[.earlyStopTestAccuracy]?.n == 1)
        #expect(dense.figures[.earlyStopTestAccuracy]?.std == nil)
        let ticket = try #require(levels.first { $0.branch == .ticket })
        #expect(ticket.done == 0)
        #expect(ticket.figures.isEmpty)
    }

    @Test func aLevelSharedByBothMethodsCountsAsEachConfigsMethod() throws {
        let fixture = try JournalFixture(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 200it, eval_every: 100}
            pruning: {method: [iterative, one-shot]}
            levels: 2
            """)
        for trial in fixture.plan.trials { try fixture.finish(trial, accuracy: 0.5) }
        let results = try fixture.results()
        let byConfig = LevelSummary.all(results, grouping: try Grouping(plan: results.plan, axes: nil))
        #expect(byConfig.map { "\($0.group) \($0.level) \($0.branch.rawValue) \($0.trials.count)" } == [
            "0 0 dense 1", "0 1 ticket 1", "0 2 ticket 1",
            "1 0 dense 1", "1 1 one-shot 1", "1 2 one-shot 1",
        ])
        let pooled = LevelSummary.all(results, grouping: try Grouping(plan: results.plan, axes: []))
        #expect(pooled.map { "\($0.level) \($0.branch.rawValue) \($0.trials.count)" } == [
            "0 dense 1", "1 ticket 1", "1 one-shot 1", "2 ticket 1", "2 one-shot 1",
        ])
    }

    @Test func poolingConfigsCountsASharedTrialOnce() throws {
        let fixture = try JournalFixture.finished()
        let results = try fixture.results()
        let levels = LevelSummary.all(results, grouping: try Grouping(plan: results.plan, axes: []))
        #expect(levels.map { "\($0.group) \($0.level) \($0.branch.rawValue) \($0.trials.count)" } == [
            "0 0 dense 2", "0 1 ticket 4", "0 1 reinit 8", "0 2 ticket 4", "0 2 reinit 8",
        ])
        let ticket = try #require(levels.first { $0.level == 1 && $0.branch == .ticket })
        #expect(ticket.figures[.earlyStopTestAccuracy]?.mean == 0.625)
    }
}
