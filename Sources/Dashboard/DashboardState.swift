import LotteryCore
import Journal

/// What the dashboard shows, as the watcher last read it: an immutable value the HTTP
/// handlers copy under a lock and encode, so no request touches the journal for it.
/// Each part carries the version at which it last changed, so that a stream sends a
/// client only the parts that changed since it last sent them.
struct DashboardState: Sendable {
    var version = 0
    var sweep = SweepInfo()
    var progress = ProgressInfo()
    var progressVersion = 0
    var levels: [LevelPoint] = []
    var levelsVersion = 0
    var workers: [WorkerInfo] = []
    var workersVersion = 0
    var failures: [FailureInfo] = []
    var dropped: [String: Int] = [:]
    var problemsVersion = 0
    /// Every trial of the plan, in plan order; `rowsVersion` changes when any of them does.
    var rows: [TrialRow] = []
    var rowsVersion = 0
    /// Learning curves of the trials running now (at most `Watcher.liveCurveLimit`).
    var curves: [LiveCurve] = []
    /// Figures /metrics exports beside the trial counts.
    var counters = Counters()
}

struct SweepInfo: Codable, Sendable, Equatable {
    var name = ""
    var file = ""
    var journal = ""
    var total = 0
    /// True when this process runs the sweep's coordinator (workers are its live view);
    /// false for `lottery serve` (workers as the journal's events tell them).
    var live = false
}

struct ProgressInfo: Codable, Sendable, Equatable {
    var done = 0
    var running = 0
    var queued = 0
    var failed = 0
    var skipped = 0
    var total = 0
    /// Trials finished per hour over the last quarter hour with finishes; nil before two.
    var trialsPerHour: Double?
    /// Seconds until queued and running trials are done at that rate.
    var etaSeconds: Double?
    var metricPoints = 0
    /// Seconds since 1970 of the journal's read.
    var readAt = 0.0
    /// The sweep's last event (`sweep-finished`, …), when it ended.
    var ended: String?
}

/// One point of the paper's plots: a group × level × branch kind, over seeds.
struct LevelPoint: Codable, Sendable, Equatable {
    var group: Int
    var groupLabel: String
    var level: Int
    var branch: String
    var trials: Int
    var done: Int
    /// Mean percent of weights remaining of the done trials (the planned figure before any).
    var weights: Double
    var accuracy: Spread?
    var iteration: Spread?
    var gap: Spread?
}

struct Spread: Codable, Sendable, Equatable {
    var mean: Double
    var min: Double
    var max: Double
    var n: Int
}

struct WorkerInfo: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var host: String
    var slots: Int
    var threads: Int
    var running: Int
    /// Seconds since the coordinator last heard from it (live), or since its last event (served).
    var lastHeardSeconds: Double
    var quarantined: Bool
    var connected: Bool
}

struct FailureInfo: Codable, Sendable, Equatable {
    var trial: String
    var level: Int?
    var branch: String?
    /// `failed` (the trial gave up) or `attempt-failed` (it is retried).
    var kind: String
    var attempts: Int?
    var worker: String?
    var at: Double?
    var error: String
}

struct LiveCurve: Sendable, Equatable {
    var trial: String
    var level: Int
    var branch: String
    var attempt: Int
    /// In iteration order, then split (train, validation, test).
    var points: [CurvePoint]
}

struct CurvePoint: Codable, Sendable, Equatable {
    var iteration: Int
    var split: String
    var loss: Double?
    var accuracy: Double?
}

struct Counters: Sendable, Equatable {
    var attempts = 0
    var leaseExpiries = 0
    var workersConnected = 0
    var queueDepth = 0
    var metricPoints = 0
    var dropped: [String: Int] = [:]
}
