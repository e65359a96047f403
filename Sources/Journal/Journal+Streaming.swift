import LotteryCore

/// Reads that stay small however large the sweep: a trial's points a row at a time from a
/// cursor, and what `lottery status` shows without loading every trial.
extension Journal {
    /// The attempt whose points count for a trial: `finished` (the attempt that finished a
    /// done trial) when it streamed any, else nil; without `finished`, the latest attempt
    /// that streamed any. Each is one lookup in the metrics' primary key.
    public func metricAttempt(of trial: TrialID, finished: Int?) throws -> Int? {
        if let finished {
            let found = try db.query("SELECT 1 FROM metrics WHERE trial_id = ? AND attempt = ? LIMIT 1",
                                     [.text(trial.rawValue), .integer(Int64(finished))]) { _ in true }
            return found.isEmpty ? nil : finished
        }
        // Not MAX(attempt), which reads every point of the trial: one step back in the key.
        return try db.query("SELECT attempt FROM metrics WHERE trial_id = ? ORDER BY attempt DESC LIMIT 1",
                            [.text(trial.rawValue)]) { $0.int(0) }.first
    }

    /// Calls `body` with each point of one attempt of a trial, in iteration order and, within
    /// an iteration, in `Split.allCases` order (train, validation, test); only `split`'s when
    /// given. Rows come from the primary key's order (iteration, then the split's name), and
    /// the few of one iteration are put in split order here: nothing is sorted or held beyond
    /// one iteration.
    public func forEachMetric(of trial: TrialID, attempt: Int, split: Split? = nil,
                              _ body: (Evaluation) throws -> Void) throws {
        let splitFilter = split == nil ? "" : " AND split = ?"
        var arguments: [SQLValue] = [.text(trial.rawValue), .integer(Int64(attempt))]
        if let split { arguments.append(.text(split.rawValue)) }
        var iteration: Int?
        var pending: [Evaluation] = []
        let statement = try db.statement("""
            SELECT iteration, split, loss, accuracy FROM metrics WHERE trial_id = ? AND attempt = ?\(splitFilter)
            ORDER BY iteration, split
            """)
        try withoutActuallyEscaping(body) { body in
            func flush() throws {
                if pending.count > 1 { pending.sort { Self.rank($0.split) < Self.rank($1.split) } }
                for point in pending { try body(point) }
                pending.removeAll(keepingCapacity: true)
            }
            try db.run(statement, arguments) { row in
                let point = Evaluation(iteration: row.int(0), split: Split(rawValue: row.text(1)) ?? .test,
                                       loss: row.optionalDouble(2) ?? .nan, accuracy: row.optionalDouble(3) ?? .nan)
                if point.iteration != iteration {
                    try flush()
                    iteration = point.iteration
                }
                pending.append(point)
            }
            try flush()
        }
    }

    /// The split's place in `Split.allCases`, without hashing (this runs for every point).
    private static func rank(_ split: Split) -> Int {
        switch split {
        case .train: 0
        case .validation: 1
        case .test: 2
        }
    }

    // MARK: Status

    /// How many trials of the plan are in each state.
    public func stateCounts() throws -> [TrialState: Int] {
        var counts: [TrialState: Int] = [:]
        for (state, count) in try db.query("SELECT state, COUNT(*) FROM trials WHERE in_plan = 1 GROUP BY state", [], {
            ($0.text(0), $0.int(1))
        }) {
            counts[TrialState(rawValue: state) ?? .pending, default: 0] += count
        }
        return counts
    }

    /// Up to `limit` trials of the plan in `state`, in plan order, as `lottery status` lists
    /// them: from the trials' own columns, without decoding their planned form or summary.
    public func trialBriefs(in state: TrialState, limit: Int) throws -> [TrialBrief] {
        try db.query("""
            SELECT id, level, branch, attempts, worker, error FROM trials
            WHERE state = ? AND in_plan = 1 ORDER BY position LIMIT ?
            """, [.text(state.rawValue), .integer(Int64(limit))]) {
            TrialBrief(id: $0.text(0), level: $0.int(1), branch: $0.text(2), attempts: $0.int(3),
                       worker: $0.optionalText(4), error: $0.optionalText(5))
        }
    }
}

/// A trial as `lottery status` lists it.
public struct TrialBrief: Sendable, Hashable {
    public var id: String
    public var level: Int
    /// The branch as the plan names it: `dense`, `ticket`, `reinit#0`, ….
    public var branch: String
    public var attempts: Int
    public var worker: String?
    public var error: String?
}
