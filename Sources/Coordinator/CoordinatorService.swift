import Foundation
import Journal
import Logging
import LotteryCore
import Wire

/// Runs a sweep: hands its trials to workers over ZeroMQ, journals every result
/// before acknowledging it, and resumes from the journal when started again.
///
/// One task drives everything (the state below needs no locks); the sockets
/// live on the `SocketThread`, and journal writes are committed in groups every
/// `commitInterval`, acknowledgements going out after their commit.
public final class CoordinatorService: @unchecked Sendable {
    // @unchecked: all mutable state is touched only by the task running `run()`;
    // other threads reach it only through `stop()`, which goes through a stream.

    private enum Input: Sendable {
        case wire(SocketEvent)
        case tick
        case stop
    }

    public let sweep: Sweep
    public let plan: Plan
    public let configuration: CoordinatorConfiguration
    let logger: Logger
    let journal: Journal
    let store: ArtifactStore
    let progress: Progress
    private let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation
    private let onBound: @Sendable (String) -> Void

    var scheduler: Scheduler
    var trials: [TrialID: PlannedTrial] = [:]
    var workers: [PeerID: ConnectedWorker] = [:]
    /// Workers that said they have free slots and were not given work for all of them:
    /// what `dispatch()` looks at, instead of every worker.
    var hungry: Set<PeerID> = []
    /// The datasets the sweep's trials train on: every worker is checked for them.
    lazy var neededDatasets = Set(plan.trials.map(\.recipe.data.dataset))
    /// Distinct metric points received per running lease: a result is acknowledged only
    /// when its curve is whole.
    var curves: [String: Set<CurvePoint>] = [:]
    /// Journal writes waiting for the next group commit, and what to send after it.
    var pendingWrites: [(Journal) throws -> Void] = []
    var afterCommit: [(PeerID, WireMessage)] = []
    /// Artifacts of finished trials by the role they were made in (`mask`, `final-weights`, `rewind-weights`).
    var artifactsOf: [TrialID: [ArtifactRole: SHA256Digest]] = [:]
    var artifactKinds: [SHA256Digest: ArtifactKind] = [:]
    /// Dataset fingerprints the sweep expects, by dataset name.
    var expectedFingerprints: [String: DatasetFingerprint]
    /// Rejections journaled as events this run: a peer that says `HELLO` over and over
    /// with the wrong data must not fill the journal.
    var rejectionsJournaled = 0
    /// Rejections a peer provokes with each message it sends go out at most once a second.
    var rejectionLimiter = RejectionLimiter()
    var dropped: [String: Int] = [:]
    let coordinatorID = "c-\(String(UInt64.random(in: 0 ... .max), radix: 36))"
    var send: (PeerID, WireMessage) -> Void = { _, _ in }

    /// - Parameters:
    ///   - fingerprints: dataset name → the digests of its files, for datasets this
    ///     machine holds; workers must hold the same. Datasets not given are
    ///     learned from the first worker that has them.
    ///   - plan: `Plan(sweep)`, when the caller has made it already (it is not cheap).
    ///   - onBound: called with the bound endpoint as soon as the socket is bound.
    public init(sweep: Sweep, plan: Plan? = nil, configuration: CoordinatorConfiguration,
                fingerprints: [String: DatasetFingerprint] = [:],
                logger: Logger, onBound: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.sweep = sweep
        self.plan = plan ?? Plan(sweep)
        self.configuration = configuration
        self.logger = logger
        self.onBound = onBound
        try FileManager.default.createDirectory(atPath: configuration.runFolder, withIntermediateDirectories: true)
        journal = try Journal(path: configuration.runFolder + "/sweep.sqlite")
        store = try ArtifactStore(folder: configuration.runFolder + "/artifacts")
        expectedFingerprints = fingerprints
        (inputs, continuation) = AsyncStream<Input>.makeStream()
        scheduler = Scheduler(trials: [], configuration: configuration.scheduler)
        progress = Progress(total: self.plan.trials.count, logger: logger, live: configuration.liveStatus)
        for trial in self.plan.trials { trials[trial.id] = trial }
    }

    /// Asks a running coordinator to stop (the journal stays consistent; start it again to resume).
    public func stop() {
        continuation.yield(.stop)
    }

    /// Runs the sweep until every trial has ended (or `stop()`).
    public func run() async throws -> SweepOutcome {
        try restore()
        let wire = try openSocket()
        try await serve(wire)
        return try await shutDown(wire)
    }

    /// Picks up where the journal left off: the sweep's trials, their states, leases and
    /// artifacts, and the dataset fingerprints workers must match.
    func restore() throws {
        let now = Date().timeIntervalSince1970
        if configuration.retryFailed { _ = try journal.retryUnfinished(at: now) }
        // Fingerprints first: whoever sees the trials in the journal sees what workers must hold.
        try loadFingerprints()
        let resume = try journal.begin(sweep: sweep, plan: plan, at: now)
        report(resume)
        let records = try journal.trials(plan: plan)
        for record in records {
            var made: [ArtifactRole: SHA256Digest] = [:]
            for (name, hex) in record.artifacts {
                guard let role = ArtifactRole(rawValue: name), let digest = SHA256Digest(hex: hex) else { continue }
                made[role] = digest
                artifactKinds[digest] = role.kind
            }
            artifactsOf[record.id] = made
        }
        let leases = Dictionary(records.compactMap { record in record.lease.map { (record.id, $0) } },
                                uniquingKeysWith: { first, _ in first })
        // A trial the journal has as running is pending until its worker says it still runs it.
        scheduler = Scheduler(trials: records.map { record in
            (record.planned, record.state == .running ? .pending : record.state, record.attempts)
        }, leases: leases, configuration: configuration.scheduler)
        progress.start(done: scheduler.counts[.done] ?? 0, records: records, plan: plan)
    }

    /// Binds the ROUTER (with CURVE when configured) on its own thread, and points `send` at it.
    private func openSocket() throws -> SocketThread {
        let context = try ZMQContext()
        let socket: SocketID = "workers"
        var options: [SocketOption] = [
            .routerMandatory(true), .routerHandover(true), .linger(.milliseconds(1000)),
            .maxMessageSize(largestFrame), .backlog(4096),
        ]
        var sockets: [SocketSpec] = []
        if let curve = configuration.curve {
            // The ZAP handler goes first so it is bound before the first worker's handshake.
            sockets.append(.zapHandler { [logger] key in
                guard curve.authorizedKeys.contains(key) else {
                    logger.warning("refused a worker whose key \(key.z85.prefix(8))… is not authorized")
                    return false
                }
                return true
            })
            options += [.curveServer(true), .curveSecretKey(curve.keyPair.secretKey), .zapDomain("lottery")]
        }
        sockets.append(SocketSpec(socket, .router, options: options, bind: [configuration.endpoint]))
        let wire = try SocketThread(context: context, name: "coordinator wire", sockets: sockets)
        let endpoint = wire.endpoints[socket] ?? configuration.endpoint
        let security = configuration.curve.map { " with CURVE, \($0.authorizedKeys.count) authorized worker keys" } ?? ""
        logger.info("coordinator \(coordinatorID) for sweep \(sweep.name) listening on \(endpoint)\(security)")
        onBound(endpoint)
        send = { peer, message in
            do {
                wire.send(try message.frames(to: peer), on: socket)
            } catch {
                self.logger.error("cannot encode \(message.typeName) for \(peer): \(error)")
            }
        }
        return wire
    }

    /// The event loop: messages from workers, group commits, and every 250 ms liveness,
    /// dispatch and heartbeats, until the sweep is finished or asked to stop.
    private func serve(_ wire: SocketThread) async throws {
        let forward = Task { [continuation] in
            for await event in wire.events { continuation.yield(.wire(event)) }
            continuation.yield(.stop)
        }
        let interval = configuration.commitInterval
        let ticker = Task { [continuation] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                continuation.yield(.tick)
            }
        }
        defer {
            forward.cancel()
            ticker.cancel()
        }

        var lastSlowTick = ContinuousClock.now
        var lastCommit = ContinuousClock.now
        var stopping = false
        loop: for await input in inputs {
            switch input {
            case .wire(.message(_, let frames)):
                receive(frames)
            case .wire(.undeliverable(_, let frames, let error)):
                if let peer = PeerID.split(frames)?.peer, error.isPeerUnreachable, workers[peer] != nil {
                    logger.info("worker \(peer) is unreachable")
                }
            case .wire(.failed(let error)):
                logger.error("the socket thread stopped: \(error)")
                stopping = true
            case .wire(.connection):
                break  // the ROUTER is not monitored; the ZAP handler logs refused workers
            case .tick:
                break
            case .stop:
                stopping = true
            }
            // A group commit: at most one disk sync per commit interval, however many
            // messages arrive in it; the ticker makes sure a quiet moment commits too.
            if stopping || ContinuousClock.now - lastCommit >= interval {
                try commit()
                lastCommit = .now
            }
            if ContinuousClock.now - lastSlowTick >= .milliseconds(250) {
                lastSlowTick = .now
                checkLiveness()
                // A worker passed over while it was quiet gets its trials once it speaks again.
                dispatch()
                sendHeartbeats()
                journalDropCounts()
                try commit()
                progress.update(scheduler: scheduler, workers: workers.count)
                publishSnapshot()
            }
            if stopping || scheduler.isFinished { break loop }
        }
    }

    /// Commits what is pending, journals how the sweep ended, and lets the last messages leave.
    private func shutDown(_ wire: SocketThread) async throws -> SweepOutcome {
        try commit()
        let finished = scheduler.isFinished
        if finished && configuration.shutDownWorkersAtEnd {
            for peer in workers.keys { send(peer, .shutdown) }
        }
        try journal.event(at: Date().timeIntervalSince1970, kind: finished ? "sweep-finished" : "sweep-stopped",
                          message: "\(scheduler.counts[.done] ?? 0) done, \(scheduler.counts[.failed] ?? 0) failed, "
                            + "\(scheduler.counts[.skipped] ?? 0) skipped")
        journalDropCounts()
        try commit()
        progress.finish(scheduler: scheduler)
        // Give the last messages (acknowledgements, shutdowns) a moment to leave.
        try? await Task.sleep(for: .milliseconds(200))
        await wire.stop()
        return SweepOutcome(done: scheduler.counts[.done] ?? 0, failed: scheduler.counts[.failed] ?? 0,
                            skipped: scheduler.counts[.skipped] ?? 0, total: plan.trials.count, finished: finished)
    }

    /// The largest frame a worker of this sweep has reason to send: the weights of its
    /// largest model, or a header. libzmq holds a whole message before it is read, so
    /// this bounds what one message from a peer can make the coordinator hold.
    var largestFrame: Int {
        var largest = MessageLimits().maxHeaderBytes
        var seen: Set<String> = []
        for trial in plan.trials where seen.insert(trial.recipe.model.name + "|" + trial.recipe.data.dataset).inserted {
            guard let dataset = DatasetInfo.named(trial.recipe.data.dataset) else {
                return MessageLimits().maxArtifactBytes  // a dataset the planner does not know: no bound but the protocol's
            }
            let values = trial.recipe.model.snapshotValueCount(input: dataset.inputShape, classes: dataset.classes)
            largest = max(largest, 4 * values)
        }
        return min(largest + (1 << 16), MessageLimits().maxArtifactBytes)
    }

    /// Fingerprints learned from workers in an earlier run are expected again; this
    /// machine's own copies take precedence, and the journal keeps what is expected now.
    private func loadFingerprints() throws {
        let files = try journal.metaEntries(prefix: "fingerprint-file:")
        for (name, combined) in try journal.metaEntries(prefix: "fingerprint:") where expectedFingerprints[name] == nil {
            var fingerprint = DatasetFingerprint(combined: combined)
            for (key, digest) in files where key.hasPrefix(name + "/") {
                fingerprint.files[String(key.dropFirst(name.count + 1))] = digest
            }
            expectedFingerprints[name] = fingerprint
        }
        for (name, fingerprint) in expectedFingerprints {
            try Self.journal(fingerprint, of: name, in: journal)
        }
    }

    static func journal(_ fingerprint: DatasetFingerprint, of name: String, in journal: Journal) throws {
        try journal.setMeta("fingerprint:\(name)", fingerprint.combined)
        for (file, digest) in fingerprint.files {
            try journal.setMeta("fingerprint-file:\(name)/\(file)", digest)
        }
    }

    /// A new trial goes only to a worker heard from within this long: two heartbeats
    /// (a live worker sends one every heartbeat), at most the liveness window.
    var assignmentWindow: Duration { min(configuration.deadAfter, configuration.heartbeat * 2) }

    /// Commits the pending journal writes in one transaction, then sends what waited for them.
    func commit() throws {
        guard !pendingWrites.isEmpty || !afterCommit.isEmpty else { return }
        let writes = pendingWrites
        pendingWrites = []
        if !writes.isEmpty {
            let started = ContinuousClock.now
            try journal.transaction {
                for write in writes { try write(journal) }
            }
            configuration.snapshots?.recordCommit(seconds: (ContinuousClock.now - started).inSeconds)
        }
        let messages = afterCommit
        afterCommit = []
        for (peer, message) in messages { send(peer, message) }
    }

    private func report(_ resume: ResumeReport) {
        if resume.isNew {
            logger.info("new sweep \(sweep.name): \(plan.trials.count) trials, journal \(journal.path)")
            return
        }
        logger.info("""
            resuming sweep \(sweep.name): \(resume.finished) of \(plan.trials.count) trials already done; \
            \(resume.requeued.count) that were running are queued again
            """)
        if resume.fileChanged {
            logger.notice("""
                the sweep file changed since the journal began: \(resume.added.count) trials added \
                (they will run), \(resume.dropped.count) dropped (kept in the journal, not run)
                """)
            for id in resume.added.prefix(20) { logger.notice("  added \(id) \(trials[id].map { "level \($0.level) \($0.branch)" } ?? "")") }
            for id in resume.dropped.prefix(20) { logger.notice("  dropped \(id)") }
        }
    }
}
