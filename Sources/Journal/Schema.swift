/// The journal's tables. `runs/<name>/sweep.sqlite` is the single source of truth
/// for a sweep's results: the coordinator writes it, reports and `lottery status`
/// read it (also while a sweep runs: WAL mode lets readers in at any time).
enum Schema {
    /// 2: `trials` gained the training-sample accuracy columns (`addedColumns`).
    /// 3: `trials.lease`, the id of the last attempt's lease.
    /// 4: `trials.summary` a BLOB (`SummaryCoding`) instead of JSON; the `metric-points`
    ///    counter (so `lottery status` need not count millions of rows); `events_by_kind`.
    static let version = 4

    /// The counter of stored metric points (in `counters`), kept since version 4.
    static let metricPointsCounter = "metric-points"

    static let create = """
        CREATE TABLE IF NOT EXISTS meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- One row per trial the sweep file has ever expanded to.
        CREATE TABLE IF NOT EXISTS trials (
            id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,          -- order in the plan: parents first
            parent TEXT,
            rewind_source TEXT,
            level INTEGER NOT NULL,
            branch TEXT NOT NULL,               -- dense, ticket, one-shot, reinit#0, random-prune#1
            seed TEXT NOT NULL,
            planned TEXT NOT NULL,              -- the PlannedTrial as JSON
            in_plan INTEGER NOT NULL DEFAULT 1, -- 0 once the sweep file no longer asks for it
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
            attempts INTEGER NOT NULL DEFAULT 0,
            worker TEXT,
            lease TEXT,                         -- the last attempt's lease id: its worker may take it up again
            started_at REAL,
            finished_at REAL,
            error TEXT,
            summary BLOB,                       -- the RunSummary (SummaryCoding; JSON text before version 4), when done
            weights_remaining REAL,             -- percent of prunable weights
            early_stop_iteration INTEGER,
            early_stop_test_accuracy REAL,
            min_validation_loss REAL,
            final_test_accuracy REAL,
            train_seconds REAL,
            early_stop_train_accuracy REAL,     -- on the training sample; NULL before version 2
            final_train_accuracy REAL
        );
        CREATE INDEX IF NOT EXISTS trials_by_state ON trials(state);
        -- Every evaluation point streamed, per attempt (a retried trial's earlier
        -- attempts stay; reports use the attempt that finished).
        CREATE TABLE IF NOT EXISTS metrics (
            trial_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            iteration INTEGER NOT NULL,
            split TEXT NOT NULL,
            loss REAL,
            accuracy REAL,
            PRIMARY KEY (trial_id, attempt, iteration, split)
        ) WITHOUT ROWID;
        -- Artifacts are files in runs/<name>/artifacts/, named by their SHA-256.
        CREATE TABLE IF NOT EXISTS artifacts (
            sha256 TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            size INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS trial_artifacts (
            trial_id TEXT NOT NULL,
            role TEXT NOT NULL,                 -- mask, final-weights, rewind-weights
            sha256 TEXT NOT NULL,
            PRIMARY KEY (trial_id, role)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            trial_id TEXT,
            worker TEXT,
            message TEXT NOT NULL
        );
        -- `lottery status` asks for the last events of one kind (turned-away workers).
        CREATE INDEX IF NOT EXISTS events_by_kind ON events(kind, seq);
        CREATE TABLE IF NOT EXISTS counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        """

    /// Columns added after version 1, which `create` has but an older journal lacks:
    /// opening one for writing adds them (empty for the trials it already holds).
    static let addedColumns: [(table: String, column: String, type: String)] = [
        ("trials", "early_stop_train_accuracy", "REAL"),
        ("trials", "final_train_accuracy", "REAL"),
        ("trials", "lease", "TEXT"),
    ]
}
