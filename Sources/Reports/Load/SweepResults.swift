import Foundation
import Journal
import SweepPlan

/// What a journal holds about a sweep, read once: the sweep file (and the plan rebuilt from
/// it), every trial of the plan with its state, and the metric points that count.
///
/// Reading is safe while the coordinator writes (the journal is in WAL mode); the trials and
/// the metrics are read one after the other, so a trial may show a point or two more than
/// its state suggests.
public struct SweepResults: Sendable {
    /// The journal file it was read from.
    public var journalPath: String
    public var sweep: Sweep
    public var plan: Plan
    /// The plan's trials, parents first. `planned` is the current plan's view of the trial
    /// (its chains and axis values), not the one journaled when it was first added.
    public var trials: [TrialRecord]
    /// Per trial, the evaluation points of the attempt that counts: the one that finished for
    /// a done trial, the latest streamed otherwise. Ordered by iteration, then split.
    public var evaluations: [TrialID: [Evaluation]]
    /// The attempt `evaluations` come from, for trials that streamed any.
    public var metricAttempts: [TrialID: Int]

    public init(sweep: Sweep, trials: [TrialRecord], metrics: [MetricRecord], journalPath: String = "") {
        self.journalPath = journalPath
        self.sweep = sweep
        let plan = Plan(sweep)
        self.plan = plan
        self.trials = trials.map { record in
            var record = record
            if let current = plan[record.id] { record.planned = current }
            return record
        }
        var finishedAttempt: [TrialID: Int] = [:]
        for record in trials where record.state == .done {
            finishedAttempt[record.id] = record.attempts
        }
        var attempts: [TrialID: Int] = [:]
        for metric in metrics {
            if let finished = finishedAttempt[metric.trial] {
                attempts[metric.trial] = finished
            } else {
                attempts[metric.trial] = max(attempts[metric.trial] ?? metric.attempt, metric.attempt)
            }
        }
        var evaluations: [TrialID: [Evaluation]] = [:]
        for metric in metrics where attempts[metric.trial] == metric.attempt {
            evaluations[metric.trial, default: []].append(metric.evaluation)
        }
        let splitOrder = Dictionary(uniqueKeysWithValues: Split.allCases.enumerated().map { ($1, $0) })
        self.evaluations = evaluations.mapValues { points in
            points.sorted { ($0.iteration, splitOrder[$0.split] ?? 0) < ($1.iteration, splitOrder[$1.split] ?? 0) }
        }
        self.metricAttempts = attempts.filter { evaluations[$0.key] != nil }
    }

    /// Reads the journal at `journalPath` (`runs/<name>/sweep.sqlite`).
    /// - Throws: `ReportError` when there is no journal, it cannot be read, or it holds no sweep.
    public init(journalPath: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: journalPath, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ReportError.noJournal(journalPath)
        }
        let journal: Journal
        let text: String?
        let file: String?
        let trials: [TrialRecord]
        let metrics: [MetricRecord]
        do {
            journal = try Journal(readOnly: journalPath)
            text = try journal.meta("sweep_text")
            file = try journal.meta("sweep_file")
            trials = try journal.trials()
            metrics = try journal.metrics()
        } catch let error as SQLiteError {
            throw ReportError.unreadableJournal(journalPath, reason: error.message)
        } catch {
            throw ReportError.unreadableJournal(journalPath, reason: "\(error)")
        }
        guard let text else { throw ReportError.noSweep(journalPath) }
        let sweep: Sweep
        do {
            sweep = try Sweep(yaml: text, file: file ?? "<journal>")
        } catch {
            throw ReportError.invalidSweep(journalPath, reason: "\(error)")
        }
        self.init(sweep: sweep, trials: trials, metrics: metrics, journalPath: journalPath)
    }

    /// How many trials are in each state.
    public var stateCounts: [TrialState: Int] {
        Dictionary(grouping: trials, by: \.state).mapValues(\.count)
    }

    /// The configs a trial belongs to (through its chains), ascending.
    public func configs(of trial: PlannedTrial) -> [Int] {
        Array(Set(trial.chains.compactMap { plan.chains.indices.contains($0) ? plan.chains[$0].config : nil })).sorted()
    }
}
