import Synchronization

/// What a running coordinator knows that its journal does not: the workers connected now,
/// the ready queue, and how long its journal commits take. The coordinator publishes a new
/// snapshot a few times a second (its slow tick) and each commit's duration as it happens;
/// readers (the dashboard, on other threads) take the latest under a lock held only to copy
/// a value, so the coordinator's loop never waits for them.
public final class CoordinatorSnapshots: Sendable {
    private let latest = Mutex(CoordinatorSnapshot())
    private let commits = Mutex(CommitDurations())

    public init() {}

    /// The latest snapshot (an empty one before the coordinator's first).
    public var snapshot: CoordinatorSnapshot { latest.withLock { $0 } }

    func publish(_ snapshot: CoordinatorSnapshot) {
        latest.withLock { $0 = snapshot }
    }

    func recordCommit(seconds: Double) {
        commits.withLock { durations in
            // Bounded: a reader that never drains costs at most this much.
            if durations.seconds.count < CommitDurations.limit {
                durations.seconds.append(seconds)
            } else {
                durations.overflowed += 1
            }
        }
    }

    /// The commit durations (seconds) recorded since the last call, and how many were not
    /// kept because nobody drained them in time.
    public func drainCommitDurations() -> (seconds: [Double], overflowed: Int) {
        commits.withLock { durations in
            defer { durations = CommitDurations() }
            return (durations.seconds, durations.overflowed)
        }
    }
}

private struct CommitDurations {
    static let limit = 65_536
    var seconds: [Double] = []
    var overflowed = 0
}

/// The coordinator at one moment.
public struct CoordinatorSnapshot: Sendable {
    /// Seconds since 1970 when it was taken; 0 before the coordinator published any.
    public var at: Double = 0
    public var coordinator = ""
    public var workers: [WorkerSnapshot] = []
    /// Trials whose parents are done, waiting for a free slot.
    public var readyTrials = 0
    public var runningLeases = 0

    public init() {}
}

/// A connected worker as the coordinator sees it.
public struct WorkerSnapshot: Sendable, Hashable {
    /// The coordinator's name for it (its routing id), as the journal's events have it.
    public var id: String
    /// The name it gave (`--name`), and its host.
    public var name: String
    public var host: String
    public var slots: Int
    public var threads: Int
    public var running: Int
    public var secondsSinceHeard: Double
    public var quarantined: Bool
}
