import LotteryCore
import Journal

// The JSON the API answers with (docs/DASHBOARD.md), field names as the page reads them.

struct SweepResponse: Codable {
    var sweep: SweepInfo
    var progress: ProgressInfo
}

struct LevelsResponse: Codable {
    var version: Int
    var levels: [LevelPoint]
}

struct WorkersResponse: Codable {
    var live: Bool
    var workers: [WorkerInfo]
}

struct FailuresResponse: Codable {
    var failures: [FailureInfo]
    var dropped: [String: Int]
}

struct TrialsResponse: Codable {
    /// Changes whenever any trial does: a client refetches its page then.
    var version: Int
    var total: Int
    var matching: Int
    var offset: Int
    var limit: Int
    var trials: [TrialJSON]
}

struct TrialJSON: Codable, Equatable {
    var id: String
    var position: Int
    var level: Int
    var branch: String
    var seed: String
    var state: String
    var attempts: Int
    var worker: String?
    var startedAt: Double?
    var finishedAt: Double?
    var error: String?
    var weightsRemaining: Double?
    var earlyStopIteration: Int?
    var earlyStopTestAccuracy: Double?

    init(_ row: TrialRow) {
        id = row.id
        position = row.position
        level = row.level
        branch = row.branch
        seed = row.seed
        state = row.state.rawValue
        attempts = row.attempts
        worker = row.worker
        startedAt = row.startedAt
        finishedAt = row.finishedAt
        error = row.error
        weightsRemaining = row.weightsRemaining.flatMap { $0.isFinite ? $0 : nil }
        earlyStopIteration = row.earlyStopIteration
        earlyStopTestAccuracy = row.earlyStopTestAccuracy.flatMap { $0.isFinite ? $0 : nil }
    }
}

struct CurveResponse: Codable {
    var trial: String
    /// The attempt whose points these are (nil: none streamed yet).
    var attempt: Int?
    var points: [CurvePoint]
}
