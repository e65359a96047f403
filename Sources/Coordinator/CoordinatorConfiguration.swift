import Wire

/// How a coordinator runs a sweep.
public struct CoordinatorConfiguration: Sendable {
    /// Where the ROUTER binds, e.g. `tcp://0.0.0.0:5555` (`tcp://127.0.0.1:*` picks a free port).
    public var endpoint: String
    /// The run folder: `runs/<sweep name>` by default.
    public var runFolder: String
    public var scheduler: Scheduler.Configuration
    /// Each side sends a heartbeat this often.
    public var heartbeat: Duration
    /// A worker silent this long is dead and loses its leases.
    public var deadAfter: Duration
    /// Journal writes are committed together once per interval (a group commit: one disk
    /// sync for every message that arrived in it); acknowledgements go out after the commit.
    public var commitInterval: Duration
    /// Tell workers to shut down when the sweep is finished.
    public var shutDownWorkersAtEnd: Bool
    /// Failed and skipped trials of an earlier run are tried again.
    public var retryFailed: Bool
    /// CURVE on the ROUTER: traffic is encrypted, and only workers whose public keys
    /// are authorized get in. Nil: plain TCP, anyone who can reach the port is a worker.
    public var curve: CurveServerKeys?
    /// Progress as one live status line (for a terminal), instead of a log line per
    /// finished trial and a summary every 30 seconds.
    public var liveStatus: Bool
    /// Where the coordinator publishes its workers and queue for a dashboard; nil: nowhere.
    public var snapshots: CoordinatorSnapshots?

    public init(endpoint: String, runFolder: String, scheduler: Scheduler.Configuration = .init(),
                heartbeat: Duration = .seconds(1), deadAfter: Duration = .seconds(5),
                commitInterval: Duration = .milliseconds(5), shutDownWorkersAtEnd: Bool = true,
                retryFailed: Bool = true, curve: CurveServerKeys? = nil, liveStatus: Bool = false,
                snapshots: CoordinatorSnapshots? = nil) {
        self.endpoint = endpoint
        self.runFolder = runFolder
        self.scheduler = scheduler
        self.heartbeat = heartbeat
        self.deadAfter = deadAfter
        self.commitInterval = commitInterval
        self.shutDownWorkersAtEnd = shutDownWorkersAtEnd
        self.retryFailed = retryFailed
        self.curve = curve
        self.liveStatus = liveStatus
        self.snapshots = snapshots
    }
}

/// The coordinator's side of CURVE: its own key pair and the workers it lets in.
public struct CurveServerKeys: Sendable {
    public var keyPair: CurveKeyPair
    /// Public keys of the workers admitted; every other key is refused by the ZAP handler.
    public var authorizedKeys: Set<CurveKey>

    public init(keyPair: CurveKeyPair, authorizedKeys: Set<CurveKey>) {
        self.keyPair = keyPair
        self.authorizedKeys = authorizedKeys
    }
}

/// How a sweep ended.
public struct SweepOutcome: Sendable {
    public var done: Int
    public var failed: Int
    public var skipped: Int
    public var total: Int
    /// False when the coordinator was stopped before every trial ended.
    public var finished: Bool
}
