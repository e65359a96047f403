import Foundation
import Journal
import LotteryCore

/// What a journal holds about a sweep: the sweep file (and the plan rebuilt from it), every
/// trial of the plan with its state, and, per trial, which attempt's metric points count.
/// The points themselves are not held: `forEachEvaluation` streams a trial's from the journal
/// when a table or plot needs them, so a report of millions of points stays small.
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
    /// Per trial that streamed any points, the attempt they count from: the one that
    /// finished for a done trial, the latest that streamed otherwise.
    public var metricAttempts: [TrialID: Int]
    private let points: MetricPoints

    /// - Parameter plan: `Plan(sweep)`, when the caller has made it already (it is not cheap).
    public init(sweep: Sweep, plan: Plan? = nil, trials: [TrialRecord], metrics: [MetricRecord], journalPath: String = "") {
        self.journalPath = journalPath
        self.sweep = sweep
        let plan = plan ?? Plan(sweep)
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
        points = .held(evaluations.mapValues { points in
            points.sorted { ($0.iteration, splitOrder[$0.split] ?? 0) < ($1.iteration, splitOrder[$1.split] ?? 0) }
        })
        self.metricAttempts = attempts.filter { evaluations[$0.key] != nil }
    }

    /// The journal's trials, and which attempt's points count for each (a lookup per trial);
    /// the points stay in the journal.
    init(sweep: Sweep, plan: Plan, journal: Journal, journalPath: String) throws {
        self.journalPath = journalPath
        self.sweep = sweep
        self.plan = plan
        trials = try journal.trials(plan: plan)
        var attempts: [TrialID: Int] = [:]
        for record in trials {
            if let attempt = try journal.metricAttempt(of: record.id, finished: record.state == .done ? record.attempts : nil) {
                attempts[record.id] = attempt
            }
        }
        metricAttempts = attempts
        points = .journal(MetricCursor(journal))
    }

    /// Calls `body` with each point of the attempt that counts for `trial` (none when it
    /// streamed none), ordered by iteration, then split (train, validation, test); only
    /// `split`'s when given.
    /// - Throws: `ReportError` when the journal cannot be read.
    public func forEachEvaluation(of trial: TrialID, split: Split? = nil, _ body: (Evaluation) throws -> Void) throws {
        guard let attempt = metricAttempts[trial] else { return }
        switch points {
        case .held(let evaluations):
            for point in evaluations[trial] ?? [] where split == nil || point.split == split { try body(point) }
        case .journal(let cursor):
            try cursor.forEachMetric(of: trial, attempt: attempt, split: split, journalPath: journalPath, body)
        }
    }

    /// The points `forEachEvaluation` gives, as an array.
    public func evaluations(of trial: TrialID) throws -> [Evaluation] {
        var points: [Evaluation] = []
        try forEachEvaluation(of: trial) { points.append($0) }
        return points
    }

    /// Reads the journal at `journalPath` (`runs/<name>/sweep.sqlite`), and the sweep file it
    /// holds with `readSweep`.
    /// - Throws: `ReportError` when there is no journal, it cannot be read, or it holds no sweep.
    public init(journalPath: String, readSweep: SweepFileReader) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: journalPath, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ReportError.noJournal(journalPath)
        }
        let journal: Journal
        let text: String?
        let file: String?
        do {
            journal = try Journal(readOnly: journalPath)
            text = try journal.meta("sweep_text")
            file = try journal.meta("sweep_file")
        } catch {
            throw ReportError.unreadable(journalPath, error)
        }
        guard let text else { throw ReportError.noSweep(journalPath) }
        let sweep: Sweep
        do {
            sweep = try readSweep(text, file ?? "<journal>")
        } catch {
            throw ReportError.invalidSweep(journalPath, reason: "\(error)")
        }
        do {
            try self.init(sweep: sweep, plan: Plan(sweep), journal: journal, journalPath: journalPath)
        } catch {
            throw ReportError.unreadable(journalPath, error)
        }
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

/// Where a `SweepResults` finds its points: held (built from records in memory) or in the journal.
private enum MetricPoints: Sendable {
    case held([TrialID: [Evaluation]])
    case journal(MetricCursor)
}

/// The read-only journal connection a report streams points from.
private final class MetricCursor: @unchecked Sendable {
    // @unchecked: the connection is used under `lock` only (a report reads from one thread,
    // but `SweepResults` is a value that may travel).
    private let journal: Journal
    private let lock = NSLock()

    init(_ journal: Journal) {
        self.journal = journal
    }

    func forEachMetric(of trial: TrialID, attempt: Int, split: Split?, journalPath: String,
                       _ body: (Evaluation) throws -> Void) throws {
        try lock.withLock {
            do {
                try journal.forEachMetric(of: trial, attempt: attempt, split: split, body)
            } catch let error as SQLiteError {
                throw ReportError.unreadable(journalPath, error)
            }
        }
    }
}
