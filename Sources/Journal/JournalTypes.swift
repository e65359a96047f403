import LotteryCore

/// A trial as the journal has it.
public struct TrialRecord: Sendable {
    public var id: TrialID
    public var position: Int
    public var planned: PlannedTrial
    public var inPlan: Bool
    public var state: TrialState
    public var attempts: Int
    public var worker: String?
    /// The id of the last attempt's lease (nil in journals from before schema 3).
    public var lease: String?
    public var startedAt: Double?
    public var finishedAt: Double?
    public var error: String?
    public var summary: RunSummary?
    /// Artifact digests by role (`mask`, `final-weights`, `rewind-weights`).
    public var artifacts: [String: String]
}

/// What the journal found when a sweep (re)started.
public struct ResumeReport: Sendable {
    /// True when this journal was created now.
    public var isNew: Bool
    /// True when the sweep file's text differs from the journaled one.
    public var fileChanged: Bool
    public var added: [TrialID]
    public var dropped: [TrialID]
    /// Trials already finished (done), which will not run again.
    public var finished: Int
    /// Trials that were running when the coordinator stopped; they are queued again.
    public var requeued: [TrialID]
}

/// A journaled event: assignment, result, failure, lease lost, quarantine, ….
public struct JournalEvent: Sendable {
    public var seq: Int
    public var at: Double
    public var kind: String
    public var trial: String?
    public var worker: String?
    public var message: String
}

/// One stored evaluation point of a trial's attempt.
public struct MetricRecord: Sendable, Hashable {
    public var trial: TrialID
    public var attempt: Int
    public var evaluation: Evaluation
}
