import Benchmarks
import Foundation
import Journal
import LotteryCore
import SweepPlan
import Testing

@testable import Reports

@Suite struct SweepResultsTests {
    @Test func readsThePlanAndEveryTrialInPlanOrder() throws {
        let fixture = try JournalFixture()
        let results = try fixture.results()
        #expect(results.sweep.name == "tiny")
        #expect(results.plan.trials.count == 26)
        #expect(results.trials.map(\.id) == fixture.plan.trials.map(\.id))
        #expect(results.stateCounts == [.pending: 26])
        #expect(results.metricAttempts.isEmpty)
    }

    @Test func aDoneTrialsPointsComeFromTheAttemptThatFinished() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 0)
        try fixture.start(dense, attempt: 1)
        try fixture.stream(dense, attempt: 1, JournalFixture.points(test: [0.1, 0.2]))
        try fixture.fail(dense, attempt: 1, error: "worker lost", final: false)
        try fixture.finish(dense, attempt: 2, accuracy: 0.9, points: JournalFixture.points(test: [0.3, 0.6, 0.9]))
        // A late batch from the lost attempt must not mix in.
        try fixture.stream(dense, attempt: 1, [Evaluation(iteration: 200, split: .test, loss: 9, accuracy: 0.01)])

        let results = try fixture.results()
        #expect(results.metricAttempts[dense.id] == 2)
        #expect(try results.evaluations(of: dense.id) == JournalFixture.points(test: [0.3, 0.6, 0.9]))
    }

    @Test func otherTrialsShowTheLatestAttemptThatStreamed() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 1)
        try fixture.start(dense, attempt: 1)
        try fixture.stream(dense, attempt: 1, JournalFixture.points(test: [0.1, 0.2]))
        try fixture.fail(dense, attempt: 1, error: "worker lost", final: false)
        try fixture.start(dense, attempt: 2)
        try fixture.stream(dense, attempt: 2, JournalFixture.points(test: [0.15]))

        var results = try fixture.results()
        #expect(results.trials.first { $0.id == dense.id }?.state == .running)
        #expect(results.metricAttempts[dense.id] == 2)
        #expect(try results.evaluations(of: dense.id) == JournalFixture.points(test: [0.15]))

        try fixture.fail(dense, attempt: 2, error: "worker lost", final: false)
        try fixture.start(dense, attempt: 3)
        results = try fixture.results()
        #expect(results.metricAttempts[dense.id] == 2, "attempt 3 has streamed nothing yet")
    }

    @Test func pointsAreOrderedByIterationThenSplit() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 0)
        try fixture.start(dense)
        try fixture.stream(dense, [
            Evaluation(iteration: 100, split: .test, loss: 1, accuracy: 0.5),
            Evaluation(iteration: 0, split: .validation, loss: 2, accuracy: 0.1),
            Evaluation(iteration: 100, split: .train, loss: 1, accuracy: 0.6),
            Evaluation(iteration: 0, split: .test, loss: 2, accuracy: 0.1),
            Evaluation(iteration: 100, split: .validation, loss: 1, accuracy: 0.5),
        ])
        let points = try fixture.results().evaluations(of: dense.id)
        #expect(points.map { "\($0.iteration) \($0.split)" } ==
                ["0 validation", "0 test", "100 train", "100 validation", "100 test"])
    }

    @Test func trialsTakeTheirChainsFromTheCurrentPlan() throws {
        let fixture = try JournalFixture()
        let records = try Journal(readOnly: fixture.path).trials().map { record in
            var stale = record
            stale.planned.chains = [99]
            return stale
        }
        let results = SweepResults(sweep: fixture.sweep, trials: records, metrics: [])
        #expect(results.trials.map(\.planned.chains) == fixture.plan.trials.map(\.chains))
        let dense = fixture.dense(seed: 0)
        #expect(results.configs(of: dense) == [0, 1], "the dense run is shared by both pruning rates")
    }

    @Test func readsAJournalNoWriterHasOpen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-closed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sweep.sqlite").path
        do {
            // The writer closes at the end of this scope, which checkpoints and removes the WAL files.
            let sweep = try Sweep(yaml: tinySweep)
            let plan = Plan(sweep)
            let journal = try Journal(path: path)
            _ = try journal.begin(sweep: sweep, plan: plan, at: 0)
            try journal.recordAssignment(plan.trials[0].id, attempt: 1, worker: "w1", at: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let results = try SweepResults(journalPath: path, readSweep: Sweep.init(yaml:file:))
        #expect(results.stateCounts[.running] == 1)
    }

    @Test func aMissingJournalIsAClearError() throws {
        let error = #expect(throws: ReportError.self) { try SweepResults(journalPath: "/nonexistent/sweep.sqlite", readSweep: Sweep.init(yaml:file:)) }
        #expect(error?.description.contains("no journal here") == true)
        #expect(error?.description.contains("/nonexistent/sweep.sqlite") == true)
    }

    @Test func aJournalWithoutASweepIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sweep.sqlite").path
        _ = try Journal(path: path)
        let error = #expect(throws: ReportError.self) { try SweepResults(journalPath: path, readSweep: Sweep.init(yaml:file:)) }
        #expect(error?.description.contains("holds no sweep yet") == true)
    }

    @Test func aFileThatIsNotAJournalIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-junk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sweep.sqlite").path
        try Data("not a database, just text that is long enough to have a header".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ReportError.self) { try SweepResults(journalPath: path, readSweep: Sweep.init(yaml:file:)) }
        #expect(error?.description.contains("cannot read the journal") == true)
    }
}

/// A report streams its points from the journal; these hold it to what the same journal's
/// points read whole into memory (as reports did before) give.
@Suite struct SweepResultsStreamingTests {
    /// The same journal read both ways: streamed from the journal, and held in memory.
    private func bothWays(_ path: String) throws -> (streamed: SweepResults, held: SweepResults) {
        let streamed = try SweepResults(journalPath: path, readSweep: Sweep.init(yaml:file:))
        let journal = try Journal(readOnly: path)
        let held = SweepResults(sweep: streamed.sweep, trials: try journal.trials(), metrics: try journal.metrics())
        return (streamed, held)
    }

    private func expectSameReport(_ path: String, options: ReportOptions = ReportOptions()) throws {
        let (streamed, held) = try bothWays(path)
        #expect(streamed.metricAttempts == held.metricAttempts)
        // As text: a NaN point equals itself there.
        func text(_ points: [Evaluation]) -> [String] { points.map { "\($0.iteration) \($0.split) \($0.loss) \($0.accuracy)" } }
        for record in held.trials {
            #expect(try text(streamed.evaluations(of: record.id)) == text(held.evaluations(of: record.id)))
            var test: [Evaluation] = []
            try streamed.forEachEvaluation(of: record.id, split: .test) { test.append($0) }
            #expect(try text(test) == text(held.evaluations(of: record.id).filter { $0.split == .test }))
        }
        #expect(try MetricsTable(results: streamed).csv == MetricsTable(results: held).csv)
        var fast = ""
        try MetricsTable(results: streamed).forEachLine { fast += $0 }
        var generic = ""
        try MetricsTable(results: held).forEachRow { generic += CSV.line($0) }
        #expect(fast == generic)
        func plots(_ results: SweepResults) throws -> [String] {
            let grouping = try Grouping(plan: results.plan, axes: options.groupBy)
            return try ReportPlots(results: results, grouping: grouping, levels: LevelSummary.all(results, grouping: grouping),
                                   options: options).files.map(\.svg)
        }
        #expect(try plots(streamed) == plots(held))
    }

    @Test func aFinishedSweepsTablesAndPlotsAreTheSameStreamed() throws {
        let fixture = try JournalFixture.finished(training: true)
        try expectSameReport(fixture.path)
        try expectSameReport(fixture.path, options: ReportOptions(curvesConfig: 1, curvesLevels: [0, 2]))
    }

    @Test func retriedAndRunningTrialsAreTheSameStreamed() throws {
        let fixture = try JournalFixture()
        let dense0 = fixture.dense(seed: 0), dense1 = fixture.dense(seed: 1)
        try fixture.start(dense0, attempt: 1)
        try fixture.stream(dense0, attempt: 1, JournalFixture.points(test: [0.1, 0.2]))
        try fixture.fail(dense0, attempt: 1, error: "worker lost", final: false)
        try fixture.finish(dense0, attempt: 2, accuracy: 0.9, points: JournalFixture.points(test: [0.3, 0.6, 0.9], trainGap: 0.05))
        try fixture.stream(dense0, attempt: 1, [Evaluation(iteration: 200, split: .test, loss: 9, accuracy: 0.01)])
        try fixture.start(dense1, attempt: 1)
        try fixture.stream(dense1, attempt: 1, [Evaluation(iteration: 100, split: .test, loss: .infinity, accuracy: .nan),
                                                Evaluation(iteration: 0, split: .train, loss: 2, accuracy: 0.1)])
        // Finished with no points of the finishing attempt: nothing to show for it.
        let dense2 = fixture.trial(level: 1, .ticket, seed: 0, fc: "0.2")
        try fixture.start(dense2, attempt: 1)
        try fixture.stream(dense2, attempt: 1, JournalFixture.points(test: [0.4]))
        try fixture.fail(dense2, attempt: 1, error: "worker lost", final: false)
        try fixture.finish(dense2, attempt: 2, accuracy: 0.5)
        try expectSameReport(fixture.path)
        #expect(try SweepResults(journalPath: fixture.path, readSweep: Sweep.init(yaml:file:)).metricAttempts[dense2.id] == nil)
    }

    @Test func aSyntheticJournalsTablesAndPlotsAreTheSameStreamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-synthetic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let synthetic = try SyntheticJournal(trials: 30, evaluations: 7, pendingChains: 1)
        let sweep = try Sweep(yaml: synthetic.sweepText, file: "bench-journal.yaml")
        try synthetic.write(to: folder + "/sweep.sqlite", sweep: sweep, plan: Plan(sweep))
        try expectSameReport(folder + "/sweep.sqlite")
    }
}
