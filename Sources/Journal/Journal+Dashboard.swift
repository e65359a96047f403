import LotteryCore

/// Reads a dashboard repeats every second while a sweep runs: every trial's own columns
/// (no planned form, no summary to decode), events since the last one seen, and counts.
extension Journal {
    /// Every trial of the plan from its own columns, in plan order (10,000 trials: a few ms).
    public func trialRows() throws -> [TrialRow] {
        try db.query("""
            SELECT id, position, level, branch, seed, state, attempts, worker, started_at, finished_at, error,
                weights_remaining, early_stop_iteration, early_stop_test_accuracy
            FROM trials WHERE in_plan = 1 ORDER BY position
            """) {
            TrialRow(id: $0.text(0), position: $0.int(1), level: $0.int(2), branch: $0.text(3), seed: $0.text(4),
                     state: TrialState(rawValue: $0.text(5)) ?? .pending, attempts: $0.int(6), worker: $0.optionalText(7),
                     startedAt: $0.optionalDouble(8), finishedAt: $0.optionalDouble(9), error: $0.optionalText(10),
                     weightsRemaining: $0.optionalDouble(11), earlyStopIteration: $0.isNull(12) ? nil : $0.int(12),
                     earlyStopTestAccuracy: $0.optionalDouble(13))
        }
    }

    /// Up to `limit` events after sequence number `seq`, oldest first.
    public func events(after seq: Int, limit: Int) throws -> [JournalEvent] {
        try db.query("SELECT seq, at, kind, trial_id, worker, message FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                     [.integer(Int64(seq)), .integer(Int64(limit))]) {
            JournalEvent(seq: $0.int(0), at: $0.double(1), kind: $0.text(2), trial: $0.optionalText(3),
                         worker: $0.optionalText(4), message: $0.text(5))
        }
    }
}

/// A trial as a dashboard lists it: the journal's columns, nothing decoded.
public struct TrialRow: Sendable, Hashable {
    public var id: String
    public var position: Int
    public var level: Int
    /// As the plan names it: `dense`, `ticket`, `reinit#0`, ….
    public var branch: String
    public var seed: String
    public var state: TrialState
    public var attempts: Int
    public var worker: String?
    public var startedAt: Double?
    public var finishedAt: Double?
    public var error: String?
    /// Percent of prunable weights, when done.
    public var weightsRemaining: Double?
    public var earlyStopIteration: Int?
    public var earlyStopTestAccuracy: Double?
}
