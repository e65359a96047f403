import Coordinator
import Foundation
import Journal
import Logging
import Reports
import LotteryCore
import Synchronization

/// Reads the journal on a thread of its own, once per interval, and publishes what the page
/// shows as one immutable `DashboardState`. A read-only connection: the coordinator that
/// writes the journal (in this process or another) never waits for it (WAL lets readers in
/// at any time), and neither does its message loop.
final class Watcher: Sendable {
    /// Running trials whose learning curves the page shows live.
    static let liveCurveLimit = 8
    /// Attempt failures kept for the page beside the failed trials.
    static let attemptFailureLimit = 30

    let journalPath: String
    let readSweep: SweepFileReader
    let interval: Duration
    let snapshots: CoordinatorSnapshots?
    private let logger: Logger
    private let state = Mutex(DashboardState())
    private let stopping = Atomic<Bool>(false)
    private let reads = Atomic<Int>(0)

    init(journalPath: String, readSweep: @escaping SweepFileReader, interval: Duration,
         snapshots: CoordinatorSnapshots?, logger: Logger) {
        self.journalPath = journalPath
        self.readSweep = readSweep
        self.interval = interval
        self.snapshots = snapshots
        self.logger = logger
    }

    /// The state as last read.
    var current: DashboardState { state.withLock { $0 } }

    /// How many reads have been published (tests wait on it).
    var readCount: Int { reads.load(ordering: .acquiring) }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "dashboard journal reader"
        thread.start()
    }

    func stop() { stopping.store(true, ordering: .releasing) }

    private func loop() {
        var reader = JournalReader(path: journalPath, readSweep: readSweep, live: snapshots != nil)
        var lastProblem = ""
        while !stopping.load(ordering: .acquiring) {
            let started = ContinuousClock.now
            do {
                let next = try reader.read(previous: current, snapshots: snapshots)
                state.withLock { $0 = next }
                reads.add(1, ordering: .releasing)
                lastProblem = ""
            } catch {
                let problem = "\(error)"
                if problem != lastProblem { logger.warning("dashboard: cannot read the journal \(journalPath): \(problem)") }
                lastProblem = problem
                reader = JournalReader(path: journalPath, readSweep: readSweep, live: snapshots != nil)  // open afresh next time
            }
            // Sleep in short steps so that stop() is prompt.
            while !stopping.load(ordering: .acquiring), ContinuousClock.now - started < interval {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }
}

/// The watcher's side of the journal: its connection, the plan, and what it learned from
/// the events read so far (each event is read once).
struct JournalReader {
    let path: String
    let readSweep: SweepFileReader
    let live: Bool
    private var journal: Journal?
    private var sweep: Sweep?
    private var plan: Plan?
    private var lastEvent = 0
    private var workers: [String: WorkerInfo] = [:]
    private var lastHeard: [String: Double] = [:]
    private var attemptFailures: [FailureInfo] = []
    private var leaseExpiries = 0
    private var ended: String?
    private var levelsKey: (done: Int, finished: Double) = (-1, 0)
    private var levelsReadAt = ContinuousClock.now - .seconds(60)

    init(path: String, readSweep: @escaping SweepFileReader, live: Bool) {
        self.path = path
        self.readSweep = readSweep
        self.live = live
    }

    mutating func read(previous: DashboardState, snapshots: CoordinatorSnapshots?) throws -> DashboardState {
        let journal = try self.journal ?? Journal(readOnly: path)
        self.journal = journal
        let now = Date().timeIntervalSince1970
        var next = previous
        next.version += 1
        if sweep == nil, let text = try journal.meta("sweep_text") {
            let sweep = try readSweep(text, try journal.meta("sweep_file") ?? "<journal>")
            self.sweep = sweep
            plan = Plan(sweep)
        }
        let rows = try journal.trialRows()
        let counters = try journal.counters()
        try readEvents(journal)

        let name = try sweep?.name ?? journal.meta("sweep_name") ?? ""
        var sweepInfo = SweepInfo(name: name,
                                  file: sweep?.file ?? "", journal: path, total: rows.count, live: live)
        sweepInfo.total = rows.count
        set(&next.sweep, sweepInfo, version: &next.progressVersion, at: next.version)

        var progress = ProgressInfo(total: rows.count, metricPoints: try journal.metricCount(), readAt: now, ended: ended)
        var finishes: [Double] = []
        for row in rows {
            switch row.state {
            case .done:
                progress.done += 1
                if let finished = row.finishedAt { finishes.append(finished) }
            case .running: progress.running += 1
            case .pending: progress.queued += 1
            case .failed: progress.failed += 1
            case .skipped: progress.skipped += 1
            }
        }
        progress.trialsPerHour = Self.rate(finishes, now: now)
        if let rate = progress.trialsPerHour, rate > 0 {
            progress.etaSeconds = Double(progress.queued + progress.running) / rate * 3600
        }
        next.progress = progress
        next.progressVersion = next.version

        if rows != next.rows {
            next.rows = rows
            next.rowsVersion = next.version
        }
        try readLevels(journal, rows: rows, finishes: finishes, into: &next)
        readWorkers(rows: rows, now: now, snapshot: snapshots?.snapshot, into: &next)

        var failures = rows.filter { $0.state == .failed }.map {
            FailureInfo(trial: $0.id, level: $0.level, branch: $0.branch, kind: "failed", attempts: $0.attempts,
                        worker: $0.worker, at: $0.finishedAt, error: $0.error ?? "")
        }
        failures += attemptFailures.reversed()
        var dropped: [String: Int] = [:]
        for (name, value) in counters where name.hasPrefix("dropped:") { dropped[String(name.dropFirst(8))] = value }
        if failures != next.failures || dropped != next.dropped {
            next.failures = failures
            next.dropped = dropped
            next.problemsVersion = next.version
        }

        next.curves = try readCurves(journal, rows: rows)
        next.counters = Counters(attempts: rows.reduce(0) { $0 + $1.attempts }, leaseExpiries: leaseExpiries,
                                 workersConnected: next.workers.filter(\.connected).count,
                                 queueDepth: snapshots.map { $0.snapshot.readyTrials } ?? progress.queued,
                                 metricPoints: progress.metricPoints, dropped: dropped)
        return next
    }

    private func set<T: Equatable>(_ part: inout T, _ value: T, version: inout Int, at current: Int) {
        if part != value {
            part = value
            version = current
        }
    }

    /// Finishes per hour over the last quarter hour that had any: (n − 1) over their span.
    static func rate(_ finishes: [Double], now: Double) -> Double? {
        guard let last = finishes.max() else { return nil }
        let recent = finishes.filter { $0 >= last - 900 }
        guard recent.count >= 2, let first = recent.min(), last > first else { return nil }
        return Double(recent.count - 1) / (last - first) * 3600
    }

    /// Events since the last read, a bounded batch at a time.
    private mutating func readEvents(_ journal: Journal) throws {
        while true {
            let events = try journal.events(after: lastEvent, limit: 5000)
            for event in events { consider(event) }
            guard let last = events.last else { return }
            lastEvent = last.seq
            if events.count < 5000 { return }
        }
    }

    private mutating func consider(_ event: JournalEvent) {
        if let worker = event.worker { lastHeard[worker] = event.at }
        switch event.kind {
        case "worker-joined":
            guard let id = event.worker else { return }
            workers[id] = WorkerInfo(id: id, name: "", host: Self.field(event.message, after: "host ", until: ",") ?? "",
                                     slots: Int(Self.field(event.message, after: ", ", until: " slots") ?? "") ?? 0,
                                     threads: Int(Self.field(event.message, after: "slots, ", until: " threads") ?? "") ?? 0,
                                     running: 0, lastHeardSeconds: 0, quarantined: false, connected: true)
        case "worker-lost":
            if let id = event.worker { workers[id]?.connected = false }
        case "quarantined":
            if let id = event.worker { workers[id]?.quarantined = true }
        case "attempt-lapsed":
            leaseExpiries += 1
        case "attempt-failed":
            attemptFailures.append(FailureInfo(trial: event.trial ?? "", level: nil, branch: nil, kind: event.kind,
                                               attempts: nil, worker: event.worker, at: event.at, error: event.message))
            if attemptFailures.count > Watcher.attemptFailureLimit { attemptFailures.removeFirst() }
        case "sweep-started", "sweep-resumed":
            // A new coordinator: the workers of the last one are gone.
            for id in workers.keys { workers[id]?.connected = false }
            ended = nil
        case "sweep-finished", "sweep-stopped":
            for id in workers.keys { workers[id]?.connected = false }
            ended = event.kind
        default:
            break
        }
    }

    /// The text between `start` and `end` in `message` (`worker-joined`'s "host H, S slots, T threads, …").
    static func field(_ message: String, after start: String, until end: String) -> String? {
        guard let from = message.range(of: start) else { return nil }
        let rest = message[from.upperBound...]
        guard let to = rest.range(of: end) else { return nil }
        return String(rest[..<to.lowerBound])
    }

    /// The paper's plot points, through the report's own aggregation, when trials finished
    /// since the last time (at most every two seconds: 10,000 trials take a moment to decode).
    private mutating func readLevels(_ journal: Journal, rows: [TrialRow], finishes: [Double],
                                     into state: inout DashboardState) throws {
        guard let sweep, let plan else { return }
        let key = (done: finishes.count, finished: finishes.max() ?? 0)
        guard key != levelsKey, ContinuousClock.now - levelsReadAt >= .seconds(2) || levelsKey.done < 0 else { return }
        levelsReadAt = .now
        levelsKey = key
        let results = SweepResults(sweep: sweep, plan: plan, trials: try journal.trials(plan: plan), metrics: [],
                                   journalPath: path)
        let grouping = try Grouping(plan: plan, axes: nil)
        func spread(_ statistics: Statistics?) -> Spread? {
            guard let statistics, statistics.mean.isFinite, statistics.min.isFinite, statistics.max.isFinite else { return nil }
            return Spread(mean: statistics.mean, min: statistics.min, max: statistics.max, n: statistics.n)
        }
        let levels = LevelSummary.all(results, grouping: grouping).map { level in
            LevelPoint(group: level.group, groupLabel: grouping.legendLabel(of: grouping.groups[level.group]),
                       level: level.level, branch: level.branch.rawValue, trials: level.trials.count, done: level.done,
                       weights: level.figures[.weightsRemaining]?.mean ?? level.plannedWeightsRemaining,
                       accuracy: spread(level.figures[.earlyStopTestAccuracy]),
                       iteration: spread(level.figures[.earlyStopIteration]),
                       gap: spread(level.figures[.earlyStopGeneralizationGap]))
        }
        if levels != state.levels {
            state.levels = levels
            state.levelsVersion = state.version
        }
    }

    private func readWorkers(rows: [TrialRow], now: Double, snapshot: CoordinatorSnapshot?, into state: inout DashboardState) {
        var list: [WorkerInfo]
        if let snapshot {
            list = snapshot.workers.map {
                WorkerInfo(id: $0.id, name: $0.name, host: $0.host, slots: $0.slots, threads: $0.threads, running: $0.running,
                           lastHeardSeconds: ($0.secondsSinceHeard * 10).rounded() / 10, quarantined: $0.quarantined,
                           connected: true)
            }
        } else {
            var running: [String: Int] = [:]
            for row in rows where row.state == .running { if let worker = row.worker { running[worker, default: 0] += 1 } }
            list = workers.values.map { worker in
                var worker = worker
                worker.running = worker.connected ? running[worker.id] ?? 0 : 0
                worker.lastHeardSeconds = lastHeard[worker.id].map { (max(0, now - $0) * 10).rounded() / 10 } ?? 0
                return worker
            }
            list.sort { ($0.connected ? 0 : 1, $0.lastHeardSeconds, $0.id) < ($1.connected ? 0 : 1, $1.lastHeardSeconds, $1.id) }
            list = Array(list.prefix(200))
        }
        if list != state.workers {
            state.workers = list
            state.workersVersion = state.version
        }
    }

    /// The points of the most recently started running trials.
    private func readCurves(_ journal: Journal, rows: [TrialRow]) throws -> [LiveCurve] {
        let running = rows.filter { $0.state == .running }
            .sorted { ($0.startedAt ?? 0) > ($1.startedAt ?? 0) }
            .prefix(Watcher.liveCurveLimit)
        return try running.compactMap { row in
            guard let id = TrialID(row.id) else { return nil }
            var points: [CurvePoint] = []
            try journal.forEachMetric(of: id, attempt: row.attempts) { points.append(CurvePoint($0)) }
            return LiveCurve(trial: row.id, level: row.level, branch: row.branch, attempt: row.attempts, points: points)
        }
    }
}

extension CurvePoint {
    init(_ evaluation: Evaluation) {
        self.init(iteration: evaluation.iteration, split: evaluation.split.rawValue,
                  loss: evaluation.loss.isFinite ? evaluation.loss : nil,
                  accuracy: evaluation.accuracy.isFinite ? evaluation.accuracy : nil)
    }
}
