import Foundation
@testable import Journal
import LotteryCore
import SweepPlan
import Testing

/// What keeps a large journal quick to read: summaries as blobs, the metric-points counter,
/// points streamed per trial, status without every trial, and the migration to schema 4.
final class JournalScaleTests {
    private let folder = NSTemporaryDirectory() + "lottery-journal-scale-\(UUID().uuidString)"
    private var path: String { folder + "/sweep.sqlite" }
    private let yaml = tinySweepYAML

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Each test's folder goes with it.
    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func begun() throws -> (Journal, Plan) {
        let sweep = try Sweep(yaml: yaml, file: "tiny.yaml")
        let plan = Plan(sweep)
        let journal = try Journal(path: path)
        _ = try journal.begin(sweep: sweep, plan: plan, at: 1)
        return (journal, plan)
    }

    private func summary() -> RunSummary {
        RunSummary(iterations: 100, earlyStopIteration: 50, minValidationLoss: 0.5, earlyStopTestAccuracy: 0.8125,
                   finalValidationLoss: .infinity, finalValidationAccuracy: 0.8, finalTestLoss: 0.6, finalTestAccuracy: 0.79,
                   earlyStopTrainAccuracy: 0.9, earlyStopTrainLoss: .nan, finalTrainAccuracy: 1, finalTrainLoss: 0.01,
                   layers: [LayerDensity(name: "fc1", kind: .fc, remaining: 80, total: 100),
                            LayerDensity(name: "conv8.shortcut", kind: .conv, remaining: 0, total: 7),
                            LayerDensity(name: "output", kind: .output, remaining: 10, total: 10)], seconds: 1.5)
    }

    /// Equal as the journal means it: NaN where NaN was stored.
    private func same(_ a: RunSummary?, _ b: RunSummary) -> Bool {
        guard let a else { return false }
        var x = a, y = b
        x.earlyStopTrainLoss = 0
        y.earlyStopTrainLoss = 0
        return x == y && a.earlyStopTrainLoss.isNaN == b.earlyStopTrainLoss.isNaN
    }

    @Test func aSummaryIsStoredAsABlobAndReadsBackWhole() throws {
        let (journal, plan) = try begun()
        let id = plan.trials[0].id
        try journal.recordAssignment(id, attempt: 1, worker: "a", at: 2)
        #expect(try journal.recordResult(id, attempt: 1, worker: "a", summary: summary(), artifacts: [], at: 3))
        #expect(same(try journal.trials().first { $0.id == id }?.summary, summary()))
        #expect(same(try Journal(readOnly: path).trials(plan: plan).first { $0.id == id }?.summary, summary()))
        let type = try SQLiteConnection(path: path, readOnly: true).query(
            "SELECT typeof(summary) FROM trials WHERE id = ?", [.text(id.rawValue)]) { $0.text(0) }
        #expect(type == ["blob"])
    }

    @Test func summaryBytesThatAreNotASummaryAreRefused() {
        let bytes = SummaryCoding.encode(summary())
        for broken in [Array(bytes.dropLast()), [2] + bytes.dropFirst(), bytes + [0], []] {
            #expect(broken.withUnsafeBytes(SummaryCoding.decode) == nil)
        }
        #expect(same(bytes.withUnsafeBytes(SummaryCoding.decode), summary()))
    }

    @Test func theCounterCountsEachStoredPointOnce() throws {
        let (journal, plan) = try begun()
        let id = plan.trials[0].id
        let points = [Evaluation(iteration: 0, split: .validation, loss: 2.3, accuracy: 0.1),
                      Evaluation(iteration: 0, split: .test, loss: 2.2, accuracy: 0.1)]
        #expect(try journal.metricCount() == 0)
        try journal.recordMetrics(id, attempt: 1, points)
        try journal.recordMetrics(id, attempt: 1, points + [Evaluation(iteration: 50, split: .test, loss: 1, accuracy: 0.5)])
        try journal.recordMetrics(id, attempt: 2, points)
        #expect(try journal.metricCount() == 5)
        #expect(try Journal(readOnly: path).metricCount() == 5)
    }

    @Test func pointsStreamInIterationThenSplitOrderForOneAttempt() throws {
        let (journal, plan) = try begun()
        let id = plan.trials[0].id
        try journal.recordMetrics(id, attempt: 1, [
            Evaluation(iteration: 50, split: .test, loss: 1, accuracy: 0.5),
            Evaluation(iteration: 0, split: .validation, loss: 2, accuracy: 0.1),
            Evaluation(iteration: 50, split: .train, loss: 1, accuracy: 0.6),
            Evaluation(iteration: 0, split: .test, loss: .nan, accuracy: 0.1),
            Evaluation(iteration: 50, split: .validation, loss: 1, accuracy: 0.5),
            Evaluation(iteration: 0, split: .train, loss: 2, accuracy: 0.2),
        ])
        try journal.recordMetrics(id, attempt: 2, [Evaluation(iteration: 0, split: .test, loss: 3, accuracy: 0.05)])
        var order: [String] = []
        try journal.forEachMetric(of: id, attempt: 1) { order.append("\($0.iteration) \($0.split)") }
        #expect(order == ["0 train", "0 validation", "0 test", "50 train", "50 validation", "50 test"])
        #expect(Split.allCases == [.train, .validation, .test])
        var test: [Evaluation] = []
        try journal.forEachMetric(of: id, attempt: 1, split: .test) { test.append($0) }
        #expect(test.map(\.iteration) == [0, 50])
        #expect(test[0].loss.isNaN)

        #expect(try journal.metricAttempt(of: id, finished: nil) == 2)
        #expect(try journal.metricAttempt(of: id, finished: 1) == 1)
        #expect(try journal.metricAttempt(of: id, finished: 3) == nil)
        #expect(try journal.metricAttempt(of: plan.trials[1].id, finished: nil) == nil)
    }

    @Test func statusCountsAndListsWithoutEveryTrial() throws {
        let (journal, plan) = try begun()
        let first = plan.trials[0], second = plan.trials[1]
        try journal.recordAssignment(first.id, attempt: 2, worker: "w", at: 2)
        try journal.recordFailure(second.id, attempt: 1, worker: nil, error: "boom", final: true, at: 3)
        let counts = try journal.stateCounts()
        #expect(counts == [.pending: plan.trials.count - 2, .running: 1, .failed: 1])
        #expect(try journal.trialBriefs(in: .running, limit: 10) == [
            TrialBrief(id: first.id.rawValue, level: first.level, branch: first.branch.description, attempts: 2, worker: "w",
                       error: nil),
        ])
        #expect(try journal.trialBriefs(in: .failed, limit: 10).map(\.error) == ["boom"])
        #expect(try journal.trialBriefs(in: .pending, limit: 3).map(\.id) == plan.trials[2..<5].map(\.id.rawValue))
    }

    @Test func resumingTheSameFileKeepsEveryTrialAndRequeuesTheRunning() throws {
        let (journal, plan) = try begun()
        try journal.recordAssignment(plan.trials[0].id, attempt: 1, worker: "w", at: 2)
        let sweep = try Sweep(yaml: yaml, file: "tiny.yaml")
        let report = try Journal(path: path).begin(sweep: sweep, plan: plan, at: 3)
        #expect(!report.fileChanged && report.added.isEmpty && report.dropped.isEmpty)
        #expect(report.requeued == [plan.trials[0].id])
        let records = try journal.trials()
        #expect(records.map(\.id) == plan.trials.map(\.id))
        #expect(records.map(\.planned) == plan.trials)
        #expect(records.map(\.position) == Array(plan.trials.indices))
    }

    /// A journal of schema 3: JSON summaries, no counter. Read-only it reads as it is; opened
    /// for writing it becomes schema 4, with the same summaries and the points counted.
    @Test func aJournalOfSchema3MigratesToBlobsAndACounter() throws {
        let (journal, plan) = try begun()
        let done = plan.trials[0].id
        try journal.recordMetrics(done, attempt: 1, [Evaluation(iteration: 0, split: .test, loss: 1, accuracy: 0.5),
                                                     Evaluation(iteration: 50, split: .test, loss: 1, accuracy: 0.6)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let json = String(decoding: try encoder.encode(summary()), as: UTF8.self)
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute("DELETE FROM counters; UPDATE meta SET value = '3' WHERE key = 'schema_version'")
            try db.run("UPDATE trials SET state = 'done', attempts = 1, summary = ? WHERE id = ?",
                       [.text(json), .text(done.rawValue)])
        }
        let old = try Journal(readOnly: path)
        #expect(same(try old.trials().first { $0.id == done }?.summary, summary()))
        #expect(try old.metricCount() == 2, "counted row by row")

        let migrated = try Journal(path: path)
        #expect(try migrated.meta("schema_version") == String(Schema.version))
        #expect(same(try migrated.trials().first { $0.id == done }?.summary, summary()))
        #expect(try migrated.counters()[Schema.metricPointsCounter] == 2)
        let type = try SQLiteConnection(path: path, readOnly: true).query(
            "SELECT typeof(summary) FROM trials WHERE id = ?", [.text(done.rawValue)]) { $0.text(0) }
        #expect(type == ["blob"])
        try migrated.recordMetrics(done, attempt: 1, [Evaluation(iteration: 100, split: .test, loss: 1, accuracy: 0.7)])
        #expect(try migrated.metricCount() == 3)
        // Opening it again migrates nothing twice.
        #expect(try Journal(path: path).metricCount() == 3)
    }
}
