import Foundation
import Journal
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
        #expect(results.evaluations.isEmpty)
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
        #expect(results.evaluations[dense.id] == JournalFixture.points(test: [0.3, 0.6, 0.9]))
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
        #expect(results.evaluations[dense.id] == JournalFixture.points(test: [0.15]))

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
        let points = try #require(try fixture.results().evaluations[dense.id])
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
        let results = try SweepResults(journalPath: path)
        #expect(results.stateCounts[.running] == 1)
    }

    @Test func aMissingJournalIsAClearError() throws {
        let error = #expect(throws: ReportError.self) { try SweepResults(journalPath: "/nonexistent/sweep.sqlite") }
        #expect(error?.description.contains("no journal here") == true)
        #expect(error?.description.contains("/nonexistent/sweep.sqlite") == true)
    }

    @Test func aJournalWithoutASweepIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sweep.sqlite").path
        _ = try Journal(path: path)
        let error = #expect(throws: ReportError.self) { try SweepResults(journalPath: path) }
        #expect(error?.description.contains("holds no sweep yet") == true)
    }

    @Test func aFileThatIsNotAJournalIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-junk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sweep.sqlite").path
        try Data("not a database, just text that is long enough to have a header".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ReportError.self) { try SweepResults(journalPath: path) }
        #expect(error?.description.contains("cannot read the journal") == true)
    }
}
