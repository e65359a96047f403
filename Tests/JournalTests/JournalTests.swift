import Foundation
@testable import Journal
import LotteryCore
import SweepPlan
import Testing

final class JournalTests {
    private let folder = NSTemporaryDirectory() + "lottery-journal-\(UUID().uuidString)"
    private let yaml = tinySweepYAML

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Each test's folder goes with it.
    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func plan(_ text: String) throws -> (Sweep, Plan) {
        let sweep = try Sweep(yaml: text, file: "tiny.yaml")
        return (sweep, Plan(sweep))
    }

    private func summary(_ accuracy: Double) -> RunSummary {
        RunSummary(iterations: 100, earlyStopIteration: 50, minValidationLoss: 0.5, earlyStopTestAccuracy: accuracy,
                   finalValidationLoss: 0.6, finalValidationAccuracy: 0.8, finalTestLoss: 0.6, finalTestAccuracy: 0.79,
                   layers: [LayerDensity(name: "fc1", kind: .fc, remaining: 80, total: 100)], seconds: 1.5)
    }

    @Test func aNewJournalHoldsEveryTrialPending() throws {
        let (sweep, plan) = try plan(yaml)
        let journal = try Journal(path: folder + "/sweep.sqlite")
        let report = try journal.begin(sweep: sweep, plan: plan, at: 1)
        #expect(report.isNew)
        let trials = try journal.trials()
        #expect(trials.count == plan.trials.count)
        #expect(trials.allSatisfy { $0.state == .pending })
        #expect(trials.map(\.id) == plan.trials.map(\.id))
        #expect(try journal.meta("sweep_digest") == sweep.digest)
    }

    @Test func aResultCountsOnceAndOnlyForItsAttempt() throws {
        let (sweep, plan) = try plan(yaml)
        let journal = try Journal(path: folder + "/sweep.sqlite")
        _ = try journal.begin(sweep: sweep, plan: plan, at: 1)
        let id = plan.trials[0].id
        try journal.recordAssignment(id, attempt: 1, worker: "a", at: 2)
        try journal.recordFailure(id, attempt: 1, worker: "a", error: "lease lapsed", final: false, at: 3)
        try journal.recordAssignment(id, attempt: 2, worker: "b", at: 4)
        // The first attempt's late result is not counted…
        #expect(try !journal.recordResult(id, attempt: 1, worker: "a", summary: summary(0.7), artifacts: [], at: 5))
        // …the current one is, once.
        #expect(try journal.recordResult(id, attempt: 2, worker: "b", summary: summary(0.8),
                                         artifacts: [("mask", String(repeating: "a", count: 64), "mask", 10)], at: 6))
        #expect(try !journal.recordResult(id, attempt: 2, worker: "b", summary: summary(0.9), artifacts: [], at: 7))
        let record = try #require(try journal.trials().first { $0.id == id })
        #expect(record.state == .done)
        #expect(record.worker == "b")
        #expect(record.attempts == 2)
        #expect(record.summary?.earlyStopTestAccuracy == 0.8)
        #expect(record.artifacts["mask"] == String(repeating: "a", count: 64))
    }

    @Test func resentMetricsAreStoredOnce() throws {
        let (sweep, plan) = try plan(yaml)
        let journal = try Journal(path: folder + "/sweep.sqlite")
        _ = try journal.begin(sweep: sweep, plan: plan, at: 1)
        let id = plan.trials[0].id
        let points = [Evaluation(iteration: 0, split: .validation, loss: 2.3, accuracy: 0.1),
                      Evaluation(iteration: 0, split: .test, loss: .nan, accuracy: 0.1)]
        try journal.recordMetrics(id, attempt: 1, points)
        try journal.recordMetrics(id, attempt: 1, points)
        let stored = try journal.metrics(trial: id)
        #expect(stored.count == 2)
        #expect(stored.first { $0.evaluation.split == .test }!.evaluation.loss.isNaN)
    }

    /// A diverged run's infinite loss is a value (REAL infinity); NaN is unknown (NULL).
    @Test func infiniteLossesAreKeptAndNaNIsNull() throws {
        let (sweep, plan) = try plan(yaml)
        let path = folder + "/sweep.sqlite"
        let journal = try Journal(path: path)
        _ = try journal.begin(sweep: sweep, plan: plan, at: 1)
        let id = plan.trials[0].id
        try journal.recordAssignment(id, attempt: 1, worker: "a", at: 2)
        try journal.recordMetrics(id, attempt: 1, [
            Evaluation(iteration: 0, split: .train, loss: .infinity, accuracy: 0.1),
            Evaluation(iteration: 0, split: .validation, loss: -.infinity, accuracy: 0.1),
            Evaluation(iteration: 0, split: .test, loss: .nan, accuracy: 0.1),
        ])
        var result = summary(0.5)
        result.minValidationLoss = .infinity
        #expect(try journal.recordResult(id, attempt: 1, worker: "a", summary: result, artifacts: [], at: 3))
        let losses = Dictionary(uniqueKeysWithValues: try journal.metrics(trial: id).map { ($0.evaluation.split, $0.evaluation.loss) })
        #expect(losses[.train] == .infinity)
        #expect(losses[.validation] == -.infinity)
        #expect(losses[.test]?.isNaN == true)
        let connection = try SQLiteConnection(path: path, readOnly: true)
        let types = try connection.query("SELECT typeof(loss) FROM metrics ORDER BY split") { $0.text(0) }
        #expect(types == ["null", "real", "real"])  // test, train, validation
        let column = try connection.query("SELECT min_validation_loss FROM trials WHERE id = ?", [.text(id.rawValue)]) {
            $0.optionalDouble(0)
        }
        #expect(column == [.infinity])
    }

    @Test func resumingRequeuesRunningTrialsAndKeepsFinishedOnes() throws {
        let (sweep, plan) = try plan(yaml)
        let path = folder + "/sweep.sqlite"
        do {
            let journal = try Journal(path: path)
            _ = try journal.begin(sweep: sweep, plan: plan, at: 1)
            try journal.recordAssignment(plan.trials[0].id, attempt: 1, worker: "a", at: 2)
            _ = try journal.recordResult(plan.trials[0].id, attempt: 1, worker: "a", summary: summary(0.8), artifacts: [], at: 3)
            try journal.recordAssignment(plan.trials[1].id, attempt: 1, worker: "a", at: 4)
        }
        let journal = try Journal(path: path)
        let report = try journal.begin(sweep: sweep, plan: plan, at: 5)
        #expect(!report.isNew && !report.fileChanged)
        #expect(report.finished == 1)
        #expect(report.requeued == [plan.trials[1].id])
        let states = try journal.trials().map(\.state)
        #expect(states[0] == .done)
        #expect(states[1] == .pending)
    }

    @Test func aResultKeepsTrainingAccuracyInItsSummaryAndColumns() throws {
        let (sweep, plan) = try plan(yaml)
        let path = folder + "/sweep.sqlite"
        let journal = try Journal(path: path)
        _ = try journal.begin(sweep: sweep, plan: plan, at: 1)
        let id = plan.trials[0].id
        var result = summary(0.75)
        result.earlyStopTrainAccuracy = 0.875
        result.earlyStopTrainLoss = 0.25
        result.finalTrainAccuracy = 1
        result.finalTrainLoss = 0.125
        try journal.recordAssignment(id, attempt: 1, worker: "a", at: 2)
        #expect(try journal.recordResult(id, attempt: 1, worker: "a", summary: result, artifacts: [], at: 3))
        try journal.recordMetrics(id, attempt: 1, [Evaluation(iteration: 0, split: .train, loss: 2.25, accuracy: 0.125)])
        #expect(try journal.trials().first { $0.id == id }?.summary == result)
        #expect(try journal.metrics(trial: id).map(\.evaluation.split) == [.train])
        let columns = try SQLiteConnection(path: path, readOnly: true).query(
            "SELECT early_stop_train_accuracy, final_train_accuracy FROM trials WHERE id = ?", [.text(id.rawValue)]) {
            row -> [Double?] in [row.optionalDouble(0), row.optionalDouble(1)]
        }
        #expect(columns == [[0.875, 1]])
    }

    /// A journal written before training accuracy was measured (schema version 1): its
    /// trials table lacks the training columns (and the lease column of version 3) and its
    /// summaries the training fields. It opens, reads (NaN where nothing was measured),
    /// gains the columns, and takes new results.
    @Test func aJournalFromBeforeTrainingAccuracyOpensReadsAndGrows() throws {
        let (sweep, plan) = try plan(yaml)
        let path = folder + "/sweep.sqlite"
        let old = plan.trials[0].id, new = plan.trials[1].id
        _ = try Journal(path: path).begin(sweep: sweep, plan: plan, at: 1)
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute("""
                ALTER TABLE trials DROP COLUMN early_stop_train_accuracy;
                ALTER TABLE trials DROP COLUMN final_train_accuracy;
                ALTER TABLE trials DROP COLUMN lease;
                UPDATE meta SET value = '1' WHERE key = 'schema_version';
                """)
            // What the journal stored for a result before: the summary's keys, sorted.
            let summary = #"{"earlyStopIteration":50,"earlyStopTestAccuracy":0.8,"finalTestAccuracy":0.79,"finalTestLoss":0.6,"#
                + #""finalValidationAccuracy":0.8,"finalValidationLoss":0.6,"iterations":100,"#
                + #""layers":[{"kind":"fc","name":"fc1","remaining":80,"total":100}],"minValidationLoss":0.5,"seconds":1.5}"#
            try db.run("UPDATE trials SET state = 'done', attempts = 1, summary = ? WHERE id = ?",
                       [.text(summary), .text(old.rawValue)])
        }
        // Reports open it read-only, as it is.
        let read = try #require(try Journal(readOnly: path).trials().first { $0.id == old }?.summary)
        #expect(read.earlyStopTestAccuracy == 0.8 && read.finalTestAccuracy == 0.79)
        #expect(read.earlyStopTrainAccuracy.isNaN && read.earlyStopTrainLoss.isNaN)
        #expect(read.finalTrainAccuracy.isNaN && read.finalTrainLoss.isNaN)
        #expect(read.earlyStopGeneralizationGap.isNaN)

        let journal = try Journal(path: path)
        #expect(try journal.meta("schema_version") == String(Schema.version))
        _ = try journal.begin(sweep: sweep, plan: plan, at: 2)
        #expect(try journal.trials().first { $0.id == old }?.summary?.finalTrainAccuracy.isNaN == true)
        var result = summary(0.75)
        result.finalTrainAccuracy = 0.9375
        try journal.recordAssignment(new, attempt: 1, worker: "a", at: 3)
        #expect(try journal.recordResult(new, attempt: 1, worker: "a", summary: result, artifacts: [], at: 4))
        #expect(try journal.trials().first { $0.id == new }?.summary?.finalTrainAccuracy == 0.9375)
        let columns = try SQLiteConnection(path: path, readOnly: true).query(
            "SELECT id, early_stop_train_accuracy, final_train_accuracy FROM trials WHERE state = 'done' ORDER BY position") {
            row -> [String] in
            [row.text(0), row.optionalDouble(1).map { "\($0)" } ?? "NULL", row.optionalDouble(2).map { "\($0)" } ?? "NULL"]
        }
        #expect(columns == [[old.rawValue, "NULL", "NULL"], [new.rawValue, "NULL", "0.9375"]])
        // Opening it again changes nothing.
        _ = try Journal(path: path)
    }

    @Test func aChangedFileSaysWhatWasAddedAndDropped() throws {
        let (sweep, plan) = try plan(yaml)
        let path = folder + "/sweep.sqlite"
        _ = try Journal(path: path).begin(sweep: sweep, plan: plan, at: 1)
        let (changed, changedPlan) = try self.plan(yaml.replacingOccurrences(of: "levels: 2", with: "levels: 3")
            .replacingOccurrences(of: "seeds: 2", with: "seeds: [1]"))
        let journal = try Journal(path: path)
        let report = try journal.begin(sweep: changed, plan: changedPlan, at: 2)
        #expect(report.fileChanged)
        let old = Set(plan.trials.map(\.id)), new = Set(changedPlan.trials.map(\.id))
        #expect(Set(report.added) == new.subtracting(old))
        #expect(Set(report.dropped) == old.subtracting(new))
        #expect(!report.added.isEmpty && !report.dropped.isEmpty)
        #expect(try journal.trials().map(\.id) == changedPlan.trials.map(\.id))
        #expect(try journal.trials(includeDropped: true).count == old.union(new).count)
    }

    @Test func failuresAndSkipsAreRecordedWithReasons() throws {
        let (sweep, plan) = try plan(yaml)
        let journal = try Journal(path: folder + "/sweep.sqlite")
        _ = try journal.begin(sweep: sweep, plan: plan, at: 1)
        let root = plan.trials[0].id
        try journal.recordAssignment(root, attempt: 3, worker: "a", at: 2)
        try journal.recordFailure(root, attempt: 3, worker: "a", error: "out of memory, \"again\"", final: true, at: 3)
        let child = plan.children(of: root)[0].id
        try journal.recordSkipped(child, reason: "parent \(root) failed", at: 4)
        let records = try journal.trials()
        #expect(records.first { $0.id == root }?.state == .failed)
        #expect(records.first { $0.id == root }?.error == "out of memory, \"again\"")
        #expect(records.first { $0.id == child }?.state == .skipped)
        #expect(try journal.events().map(\.kind).suffix(2) == ["failed", "skipped"])
        #expect(try journal.retryUnfinished(at: 5) == 2)
    }
}

@Suite struct JournalFormattingTests {
    /// The C library's "%.*f" is what `String(format:)` printed in event messages.
    @Test func fixedMatchesStringFormat() {
        var random = SystemRandomNumberGenerator()
        let values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 99.95, 100, 12.345678, 1e300, -1e-300, .nan, .infinity,
                                -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
            + (0 ..< 2_000).map { _ in Double.random(in: -1_000 ... 1_000, using: &random) }
        for value in values {
            for decimals in [0, 1, 4] {
                #expect(Journal.fixed(value, decimals: decimals) == String(format: "%.\(decimals)f", value), "\(value)")
            }
        }
    }
}
