import Benchmarks
import Foundation
import Journal
import LotteryCore
import SweepPlan
import Testing

final class SyntheticJournalTests {
    private let folder = NSTemporaryDirectory() + "lottery-synthetic-\(UUID().uuidString)"

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Each test's folder goes with it.
    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    @Test func itsJournalIsASweepAsACoordinatorWouldLeaveIt() throws {
        let synthetic = try SyntheticJournal(trials: 40, points: 850, pendingChains: 1)
        #expect(synthetic.evaluations == 10, "850 points over 30 finished trials, rounded up to whole evaluations of 3 splits")
        let sweep = try Sweep(yaml: synthetic.sweepText, file: "bench-journal.yaml")
        let plan = Plan(sweep)
        #expect(plan.trials.count == 40)
        let path = folder + "/sweep.sqlite"
        let written = try synthetic.write(to: path, sweep: sweep, plan: plan)
        #expect(written.finished == 30 && written.metricPoints == 900)

        let journal = try Journal(readOnly: path)
        #expect(try journal.meta("sweep_digest") == sweep.digest)
        #expect(try journal.metricCount() == 900)
        #expect(try journal.stateCounts() == [.done: 30, .pending: 10])
        let records = try journal.trials()
        #expect(records.map(\.id) == plan.trials.map(\.id))
        // The pending trials are whole chains: the last one's dense run is ready to assign.
        let pending = records.filter { $0.state == .pending }
        #expect(pending.allSatisfy { $0.planned.chains == [plan.chains.count - 1] })
        #expect(pending.contains { $0.planned.parent == nil })
        for record in records where record.state == .done {
            let summary = try #require(record.summary)
            var points: [Evaluation] = []
            try journal.forEachMetric(of: record.id, attempt: record.attempts) { points.append($0) }
            #expect(points.count == 30)
            #expect(points.allSatisfy { $0.accuracy > 0 && $0.accuracy <= 1 && $0.loss > 0 })
            let best = points.filter { $0.split == .validation }.min { $0.loss < $1.loss }!
            #expect(summary.earlyStopIteration == best.iteration && summary.minValidationLoss == best.loss)
            #expect(abs(summary.percentRemaining - 100 * record.planned.weightsRemaining) < 0.01)
            #expect(record.artifacts.keys.sorted() == ["final-weights", "mask"])
        }
        // The same sizes write the same journal.
        let again = folder + "/again.sqlite"
        try synthetic.write(to: again, sweep: sweep, plan: plan)
        var first: [Evaluation] = [], second: [Evaluation] = []
        try journal.forEachMetric(of: records[5].id, attempt: 1) { first.append($0) }
        try Journal(readOnly: again).forEachMetric(of: records[5].id, attempt: 1) { second.append($0) }
        #expect(first == second)
    }

    @Test func sizesItCannotMakeAreRefusedWithTheReason() throws {
        #expect(throws: SyntheticJournal.Error.self) { try SyntheticJournal(trials: 15, evaluations: 3) }
        #expect(throws: SyntheticJournal.Error.self) { try SyntheticJournal(trials: 20, evaluations: 0) }
        #expect(throws: SyntheticJournal.Error.self) { try SyntheticJournal(trials: 20, evaluations: 3, pendingChains: 3) }
        #expect(throws: SyntheticJournal.Error.self) { try SyntheticJournal(trials: 20, points: 10) }
        let error = #expect(throws: SyntheticJournal.Error.self) { try SyntheticJournal(trials: 15, points: 1_000) }
        #expect(error?.description.contains("multiple of 10") == true)
        let synthetic = try SyntheticJournal(trials: 10, evaluations: 2)
        let sweep = try Sweep(yaml: synthetic.sweepText, file: "x.yaml")
        let path = folder + "/taken.sqlite"
        FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: SyntheticJournal.Error.self) { try synthetic.write(to: path, sweep: sweep, plan: Plan(sweep)) }
    }
}
