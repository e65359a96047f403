import Foundation
import LotteryCore

/// The durable record of a sweep in `runs/<name>/sweep.sqlite` (SQLite, WAL,
/// synchronous=FULL: a call that returns has reached the disk). Owned by one
/// thread; readers open their own `Journal(readOnly:)`.
public final class Journal {
    public let path: String
    let db: SQLiteConnection
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }()
    private let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }()

    /// Opens (creating if needed) the journal at `path`.
    public init(path: String) throws {
        self.path = path
        db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        try db.execute(Schema.create)
        try addMissingColumns()
        let version = try meta("schema_version").flatMap(Int.init) ?? 0
        if version < 4 { try migrateToVersion4() }
        if version < Schema.version {
            try setMeta("schema_version", String(Schema.version))
        }
    }

    /// Version 4: summaries journaled as JSON become `SummaryCoding` blobs, and the metric
    /// points already stored are counted once into their counter. One transaction: a journal
    /// is migrated whole or not at all (10,000 trials and 10 million points: about a second,
    /// once). A summary that does not decode stays as it is; reading it says why.
    private func migrateToVersion4() throws {
        try transaction {
            let summaries = try db.query("SELECT id, summary FROM trials WHERE typeof(summary) = 'text'") {
                ($0.text(0), $0.text(1))
            }
            for (id, json) in summaries {
                guard let summary = try? decoder.decode(RunSummary.self, from: Data(json.utf8)) else { continue }
                try db.run("UPDATE trials SET summary = ? WHERE id = ?", [.blob(SummaryCoding.encode(summary)), .text(id)])
            }
            let points = try db.query("SELECT COUNT(*) FROM metrics") { $0.int(0) }[0]
            try db.run("INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                       [.text(Schema.metricPointsCounter), .integer(Int64(points))])
        }
    }

    /// Brings a journal written by an earlier version up to `Schema.create`'s columns.
    private func addMissingColumns() throws {
        for (table, column, type) in Schema.addedColumns {
            let present = try db.query("SELECT name FROM pragma_table_info(?)", [.text(table)]) { $0.text(0) }
            if !present.contains(column) {
                try db.execute("ALTER TABLE \(table) ADD COLUMN \(column) \(type)")
            }
        }
    }

    /// Opens an existing journal for reading (reports, status).
    public init(readOnly path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SQLiteError(code: 14, message: "no journal here; a sweep's journal is runs/<name>/sweep.sqlite",
                              context: "opening \(path)")
        }
        self.path = path
        db = try SQLiteConnection(path: path, readOnly: true)
    }

    // MARK: Meta

    public func meta(_ key: String) throws -> String? {
        try db.query("SELECT value FROM meta WHERE key = ?", [.text(key)]) { $0.text(0) }.first
    }

    /// Meta entries whose key starts with `prefix`, by the rest of the key.
    public func metaEntries(prefix: String) throws -> [String: String] {
        var entries: [String: String] = [:]
        for (key, value) in try db.query("SELECT key, value FROM meta WHERE key LIKE ? || '%'", [.text(prefix)], {
            ($0.text(0), $0.text(1))
        }) where key.hasPrefix(prefix) {
            entries[String(key.dropFirst(prefix.count))] = value
        }
        return entries
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try db.run("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [.text(key), .text(value)])
    }

    /// Runs `body` as one transaction (a group commit: one disk sync for all of it).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try db.transaction(body)
    }

    // MARK: Starting and resuming

    /// Records the sweep's plan: on a new journal every trial; on an existing one,
    /// the trials the file now adds, marking those it dropped, and queueing again
    /// the trials that were running when the last coordinator stopped.
    public func begin(sweep: Sweep, plan: Plan, at now: Double) throws -> ResumeReport {
        try transaction {
            let previousDigest = try meta("sweep_digest")
            let known = Set(try db.query("SELECT id FROM trials") { $0.text(0) })
            let wanted = plan.trials.map(\.id.rawValue)
            var added: [TrialID] = []
            // The same file as last time: the same plan, so the planned forms stored are current
            // and only a position or a trial dropped and asked for again can differ. Encoding
            // every trial's JSON again was most of a restart's time on a large sweep.
            let sameFile = previousDigest == sweep.digest
            var stored: [String: (position: Int, inPlan: Bool)] = [:]
            if sameFile {
                for (id, position, inPlan) in try db.query("SELECT id, position, in_plan FROM trials", [], {
                    ($0.text(0), $0.int(1), $0.int(2) == 1)
                }) { stored[id] = (position, inPlan) }
            }
            for (position, trial) in plan.trials.enumerated() {
                if sameFile, let row = stored[trial.id.rawValue] {
                    if row.position != position || !row.inPlan {
                        try db.run("UPDATE trials SET position = ?, in_plan = 1 WHERE id = ?",
                                   [.integer(Int64(position)), .text(trial.id.rawValue)])
                    }
                    continue
                }
                if known.contains(trial.id.rawValue) {
                    // The same trial in a changed file may belong to other chains, with other
                    // axis values: keep its planned form current, as its position.
                    try db.run("UPDATE trials SET position = ?, in_plan = 1, planned = ? WHERE id = ?",
                               [.integer(Int64(position)), .text(String(decoding: try encoder.encode(trial), as: UTF8.self)),
                                .text(trial.id.rawValue)])
                    continue
                }
                added.append(trial.id)
                try db.run("""
                    INSERT INTO trials(id, position, parent, rewind_source, level, branch, seed, planned)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(trial.id.rawValue), .integer(Int64(position)), .optional(trial.parent?.rawValue),
                          .optional(trial.rewindSource?.rawValue), .integer(Int64(trial.level)),
                          .text(trial.branch.description), .text(String(trial.recipe.seed)),
                          .text(String(decoding: try encoder.encode(trial), as: UTF8.self))])
            }
            let dropped = known.subtracting(wanted).sorted().compactMap(TrialID.init)
            for id in dropped where !sameFile || stored[id.rawValue]?.inPlan != false {
                try db.run("UPDATE trials SET in_plan = 0 WHERE id = ?", [.text(id.rawValue)])
            }
            let requeued = try db.query("SELECT id FROM trials WHERE state = 'running'") { $0.text(0) }
                .compactMap(TrialID.init)
            try db.run("UPDATE trials SET state = 'pending', worker = NULL WHERE state = 'running'")
            // A trial skipped because an ancestor failed gets another chance with the ancestor.
            let finished = try db.query("SELECT COUNT(*) FROM trials WHERE state = 'done' AND in_plan = 1") { $0.int(0) }[0]
            try setMeta("sweep_name", sweep.name)
            try setMeta("sweep_file", sweep.file)
            try setMeta("sweep_text", sweep.text)
            try setMeta("sweep_digest", sweep.digest)
            if try meta("created_at") == nil { try setMeta("created_at", String(now)) }
            let report = ResumeReport(isNew: previousDigest == nil, fileChanged: previousDigest != nil && previousDigest != sweep.digest,
                                      added: previousDigest == nil ? [] : added, dropped: dropped,
                                      finished: finished, requeued: requeued)
            try event(at: now, kind: previousDigest == nil ? "sweep-started" : "sweep-resumed", message:
                "\(plan.trials.count) trials; \(finished) already done; \(report.added.count) added, "
                + "\(dropped.count) dropped, \(requeued.count) requeued")
            return report
        }
    }

    /// Failed and skipped trials go back to pending (a new coordinator retries them).
    public func retryUnfinished(at now: Double) throws -> Int {
        try transaction {
            try db.run("UPDATE trials SET state = 'pending', attempts = 0, error = NULL WHERE state IN ('failed', 'skipped') AND in_plan = 1")
            let count = db.changes
            if count > 0 { try event(at: now, kind: "retry", message: "\(count) failed or skipped trials queued again") }
            return count
        }
    }

    // MARK: Trial life

    /// The trial is leased to `worker` as attempt `attempt`.
    public func recordAssignment(_ id: TrialID, attempt: Int, worker: String, lease: String? = nil, at now: Double) throws {
        try db.run("UPDATE trials SET state = 'running', attempts = ?, worker = ?, lease = ?, started_at = ?, error = NULL WHERE id = ?",
                   [.integer(Int64(attempt)), .text(worker), .optional(lease), .real(now), .text(id.rawValue)])
        try event(at: now, kind: "assigned", trial: id.rawValue, worker: worker, message: "attempt \(attempt)")
    }

    /// Records a finished trial, unless it is not running under this attempt (a late
    /// or repeated result), in which case nothing changes and false is returned.
    public func recordResult(_ id: TrialID, attempt: Int, worker: String, summary: RunSummary,
                             artifacts: [(role: String, sha256: String, kind: String, size: Int)],
                             at now: Double) throws -> Bool {
        let current = try db.query("SELECT state, attempts FROM trials WHERE id = ?", [.text(id.rawValue)]) {
            (TrialState(rawValue: $0.text(0)), $0.int(1))
        }.first
        guard let current, current.0 == .running || current.0 == .pending, current.1 == attempt else { return false }
        for artifact in artifacts {
            try db.run("INSERT OR IGNORE INTO artifacts(sha256, kind, size) VALUES (?, ?, ?)",
                       [.text(artifact.sha256), .text(artifact.kind), .integer(Int64(artifact.size))])
            try db.run("INSERT OR REPLACE INTO trial_artifacts(trial_id, role, sha256) VALUES (?, ?, ?)",
                       [.text(id.rawValue), .text(artifact.role), .text(artifact.sha256)])
        }
        try db.run("""
            UPDATE trials SET state = 'done', worker = ?, finished_at = ?, error = NULL, summary = ?,
                weights_remaining = ?, early_stop_iteration = ?, early_stop_test_accuracy = ?,
                min_validation_loss = ?, final_test_accuracy = ?, train_seconds = ?,
                early_stop_train_accuracy = ?, final_train_accuracy = ?
            WHERE id = ?
            """, [.text(worker), .real(now), .blob(SummaryCoding.encode(summary)),
                  .optional(summary.percentRemaining), .integer(Int64(summary.earlyStopIteration)),
                  .optional(summary.earlyStopTestAccuracy), .optional(summary.minValidationLoss),
                  .optional(summary.finalTestAccuracy), .optional(summary.seconds),
                  .optional(summary.earlyStopTrainAccuracy), .optional(summary.finalTrainAccuracy), .text(id.rawValue)])
        try event(at: now, kind: "done", trial: id.rawValue, worker: worker, message:
            "attempt \(attempt): \(Self.fixed(summary.percentRemaining, decimals: 1))% weights, test accuracy "
            + "\(Self.fixed(summary.earlyStopTestAccuracy, decimals: 4)) at early stop (iteration \(summary.earlyStopIteration))")
        return true
    }

    /// `String(format: "%.<decimals>f", value)`, straight from the C library: Foundation's
    /// formatting was a visible share of the coordinator's time per result.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 48)
        let length = withVaList([Int32(decimals), value]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
        guard length >= 0, length < buffer.count else { return String(format: "%.\(decimals)f", value) }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Stores evaluation points; points already stored (a resent batch) are ignored.
    public func recordMetrics(_ id: TrialID, attempt: Int, _ points: [Evaluation]) throws {
        let insert = try db.statement(
            "INSERT OR IGNORE INTO metrics(trial_id, attempt, iteration, split, loss, accuracy) VALUES (?, ?, ?, ?, ?, ?)")
        var stored = 0
        for point in points {
            try db.run(insert, [.text(id.rawValue), .integer(Int64(attempt)), .integer(Int64(point.iteration)),
                                .text(point.split.rawValue), .optional(point.loss), .optional(point.accuracy)])
            stored += db.changes
        }
        if stored > 0 { try addToCounter(Schema.metricPointsCounter, stored) }
    }

    /// An attempt ended without a result. `final` marks the trial failed; otherwise
    /// it is queued again.
    public func recordFailure(_ id: TrialID, attempt: Int, worker: String?, error: String, final: Bool,
                              at now: Double) throws {
        try db.run("UPDATE trials SET state = ?, worker = NULL, finished_at = ?, error = ? WHERE id = ? AND state != 'done'",
                   [.text(final ? "failed" : "pending"), .optional(final ? now : nil), .text(error), .text(id.rawValue)])
        try event(at: now, kind: final ? "failed" : "attempt-failed", trial: id.rawValue, worker: worker,
                  message: "attempt \(attempt): \(error)")
    }

    /// An attempt was lost with its worker (it died, left, or forgot the lease): the trial
    /// is queued again. Journaled apart from a failure (`attempt-lapsed`), since it is
    /// not the trial's fault.
    public func recordLapse(_ id: TrialID, attempt: Int, worker: String?, reason: String, at now: Double) throws {
        try db.run("UPDATE trials SET state = 'pending', worker = NULL, error = ? WHERE id = ? AND state != 'done'",
                   [.text(reason), .text(id.rawValue)])
        try event(at: now, kind: "attempt-lapsed", trial: id.rawValue, worker: worker, message: "attempt \(attempt): \(reason)")
    }

    /// Dependants of a failed trial: they cannot run.
    public func recordSkipped(_ id: TrialID, reason: String, at now: Double) throws {
        try db.run("UPDATE trials SET state = 'skipped', worker = NULL, finished_at = ?, error = ? WHERE id = ? AND state = 'pending'",
                   [.real(now), .text(reason), .text(id.rawValue)])
        try event(at: now, kind: "skipped", trial: id.rawValue, message: reason)
    }

    public func event(at now: Double, kind: String, trial: String? = nil, worker: String? = nil, message: String) throws {
        try db.run("INSERT INTO events(at, kind, trial_id, worker, message) VALUES (?, ?, ?, ?, ?)",
                   [.real(now), .text(kind), .optional(trial), .optional(worker), .text(message)])
    }

    /// Adds `amount` to a named counter (dropped messages by reason, …).
    public func addToCounter(_ name: String, _ amount: Int) throws {
        try db.run("INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                   [.text(name), .integer(Int64(amount))])
    }

    // MARK: Reading

    /// Every trial the journal holds, in plan order.
    ///
    /// - Parameter plan: the plan `begin` recorded, when the caller has it: its trials are
    ///   what the journal stores for them (begin wrote them), and taking them from it spares
    ///   decoding a JSON recipe per trial, most of the coordinator's start.
    public func trials(includeDropped: Bool = false, plan: Plan? = nil) throws -> [TrialRecord] {
        let artifacts = try db.query("SELECT trial_id, role, sha256 FROM trial_artifacts") { ($0.text(0), $0.text(1), $0.text(2)) }
        var byTrial: [String: [String: String]] = [:]
        for (trial, role, digest) in artifacts { byTrial[trial, default: [:]][role] = digest }
        // A journal from before schema 3, opened read-only, has no lease column.
        let lease = try db.query("SELECT name FROM pragma_table_info('trials')") { $0.text(0) }.contains("lease")
        return try db.query("""
            SELECT id, position, planned, in_plan, state, attempts, worker, started_at, finished_at, error, summary,
                \(lease ? "lease" : "NULL")
            FROM trials \(includeDropped ? "" : "WHERE in_plan = 1") ORDER BY position
            """) { row in
            let planned = try TrialID(row.text(0)).flatMap { plan?[$0] }
                ?? decoder.decode(PlannedTrial.self, from: Data(row.text(2).utf8))
            return TrialRecord(
                id: planned.id, position: row.int(1), planned: planned, inPlan: row.int(3) == 1,
                state: TrialState(rawValue: row.text(4)) ?? .pending, attempts: row.int(5), worker: row.optionalText(6),
                lease: row.optionalText(11), startedAt: row.optionalDouble(7), finishedAt: row.optionalDouble(8), error: row.optionalText(9),
                summary: try summary(row, 10),
                artifacts: byTrial[planned.id.rawValue] ?? [:])
        }
    }

    /// Evaluation points, of every attempt, in trial, attempt, iteration order.
    public func metrics(trial: TrialID? = nil) throws -> [MetricRecord] {
        let filter = trial.map { _ in "WHERE trial_id = ?" } ?? ""
        return try db.query("""
            SELECT trial_id, attempt, iteration, split, loss, accuracy FROM metrics \(filter)
            ORDER BY trial_id, attempt, iteration, split
            """, trial.map { [.text($0.rawValue)] } ?? []) { row in
            guard let id = TrialID(row.text(0)) else {
                throw SQLiteError.damaged("a metric point names '\(row.text(0))', which is not a trial id",
                                          context: "reading metric points")
            }
            return MetricRecord(trial: id, attempt: row.int(1), evaluation: Evaluation(
                iteration: row.int(2), split: Split(rawValue: row.text(3)) ?? .test,
                loss: row.optionalDouble(4) ?? .nan, accuracy: row.optionalDouble(5) ?? .nan))
        }
    }

    /// The metric points stored, of every attempt: the counter a writer keeps (schema 4), or,
    /// in a journal no writer of version 4 has opened yet, counted row by row.
    public func metricCount() throws -> Int {
        if let counted = try db.query("SELECT value FROM counters WHERE name = ?", [.text(Schema.metricPointsCounter)], {
            $0.int(0)
        }).first {
            return counted
        }
        return try db.query("SELECT COUNT(*) FROM metrics") { $0.int(0) }[0]
    }

    /// The summary in column `column`: a `SummaryCoding` blob, or JSON from before schema 4.
    private func summary(_ row: SQLRow, _ column: Int32) throws -> RunSummary? {
        if row.isNull(column) { return nil }
        if row.isBlob(column) {
            guard let summary = row.withBlob(column, SummaryCoding.decode) else {
                throw SQLiteError.damaged("a trial's summary is not in the journal's format", context: "reading trials")
            }
            return summary
        }
        return try decoder.decode(RunSummary.self, from: Data(row.text(column).utf8))
    }

    /// The last `count` events, oldest first; only those of `kind` when given.
    public func events(last count: Int = 50, kind: String? = nil) throws -> [JournalEvent] {
        let filter = kind == nil ? "" : "WHERE kind = ?"
        let arguments: [SQLValue] = (kind.map { [.text($0)] } ?? []) + [.integer(Int64(count))]
        return try db.query("SELECT seq, at, kind, trial_id, worker, message FROM events \(filter) ORDER BY seq DESC LIMIT ?",
                            arguments) {
            JournalEvent(seq: $0.int(0), at: $0.double(1), kind: $0.text(2), trial: $0.optionalText(3),
                         worker: $0.optionalText(4), message: $0.text(5))
        }.reversed()
    }

    public func counters() throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try db.query("SELECT name, value FROM counters") { ($0.text(0), $0.int(1)) })
    }
}
