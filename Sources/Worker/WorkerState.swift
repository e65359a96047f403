import Foundation
import Logging
import LotteryCore
import Wire

/// The worker's protocol state machine; one task drives it, so it needs no locks.
struct WorkerState {
    enum Input: Sendable {
        case wire(SocketEvent)
        case tick
        case trial(TrialThread.Report)
        case terminate(drain: Bool)
    }

    private let configuration: WorkerConfiguration
    private let datasets: [String: DatasetFingerprint]
    private let logger: Logger
    private var coordinator: String?
    private var lastHeard = ContinuousClock.now
    /// Heartbeats go out every interval whatever else was sent: simpler than
    /// tracking every send, and one small message a second costs nothing.
    private var lastHeartbeat = ContinuousClock.now
    private var coordinatorSilent = false
    private var heartbeat = Duration.seconds(1)
    private var deadAfter = Duration.seconds(5)
    private var running: [String: TrialThread] = [:]
    /// Assignments waiting for artifacts they were named by digest.
    private var waiting: [String: (assignment: WireMessage.Assignment, missing: Set<SHA256Digest>)] = [:]
    /// Results and failures not yet acknowledged, with when they were last sent.
    private var unacknowledged: [TrialAttempt: (message: WireMessage, lease: String, sentAt: ContinuousClock.Instant)] = [:]
    /// Every metric point of each lease, kept until its result is acknowledged: a
    /// coordinator that restarted lost what it had not journaled, and gets them again.
    private var curves: [String: [Evaluation]] = [:]
    private var cache: ArtifactCache
    private var draining = false
    /// When the last HELLO went out unanswered: messages queued while the
    /// coordinator was away each draw an `unknown-worker`, and one HELLO answers all.
    private var helloSentAt: ContinuousClock.Instant?
    private var ending: WorkerService.Ending?
    /// Handshakes with the coordinator broken off without a reason since the last one
    /// that succeeded.
    private var handshakeFailures = 0
    private var handshakeSucceeded = false

    init(configuration: WorkerConfiguration, datasets: [String: DatasetFingerprint], logger: Logger) {
        self.configuration = configuration
        self.datasets = datasets
        self.logger = logger
        cache = ArtifactCache(budget: configuration.artifactCacheBytes)
    }

    private var busy: Int { running.count + waiting.count }
    private var free: Int { draining ? 0 : max(0, configuration.slots - busy) }

    mutating func loop(inputs: some AsyncSequence<Input, Never>, send: @escaping (WireMessage) -> Void,
                       report: @escaping @Sendable (TrialThread.Report) -> Void) async -> WorkerService.Ending {
        sayHello(send)
        for await input in inputs {
            switch input {
            case .wire(.message(_, let frames)):
                lastHeard = .now
                if coordinatorSilent {
                    coordinatorSilent = false
                    logger.info("coordinator heard again")
                }
                handle(frames: frames, send: send, report: report)
            case .wire(.undeliverable(_, _, let error)):
                logger.warning("a message to the coordinator was dropped: \(error)")
            case .wire(.failed(let error)):
                logger.error("the socket thread stopped: \(error)")
                return .rejected("socket failure: \(error)")
            case .wire(.connection(_, let event)):
                connection(event)
            case .tick:
                tick(send)
            case .trial(let trialReport):
                finished(trialReport, send: send)
            case .terminate(let drain):
                if drain {
                    logger.info("draining: finishing \(running.count) running trials, then leaving")
                    draining = true
                    send(.ready(.init(free: 0)))
                } else {
                    logger.info("stopping: handing \(running.count + waiting.count) leases back")
                    for trial in running.values { trial.stop() }
                    send(.bye)
                    ending = .finished
                }
            }
            if draining && running.isEmpty && waiting.isEmpty && unacknowledged.isEmpty && ending == nil {
                send(.bye)
                ending = .finished
            }
            if let ending { return ending }
        }
        return .finished
    }

    private mutating func sayHello(_ send: (WireMessage) -> Void) {
        // A lease is held until its result or failure is acknowledged.
        let leases = running.values.map {
            WireMessage.Lease(lease: $0.assignment.lease, trial: $0.assignment.trial, attempt: $0.assignment.attempt)
        } + unacknowledged.map { attempt, entry in
            WireMessage.Lease(lease: entry.lease, trial: attempt.trial, attempt: attempt.attempt)
        }
        send(.hello(.init(worker: configuration.name, host: configuration.host, slots: configuration.slots,
                          threads: configuration.threads, fingerprints: datasets, running: leases)))
        helloSentAt = .now
    }

    private mutating func handle(frames: [[UInt8]], send: @escaping (WireMessage) -> Void,
                                 report: @escaping @Sendable (TrialThread.Report) -> Void) {
        let message: WireMessage
        do {
            message = try WireMessage(frames: frames)
        } catch {
            logger.warning("dropped a malformed message from the coordinator: \(error)")
            return
        }
        switch message {
        case .welcome(let welcome):
            welcomed(welcome, send: send)
        case .reject(let rejection):
            rejected(rejection, send: send)
        case .assign(let assignment):
            accept(assignment, send: send, report: report)
        case .artifacts(let delivery):
            received(delivery, send: send, report: report)
        case .ack(let attempt):
            if let lease = unacknowledged.removeValue(forKey: attempt)?.lease { curves[lease] = nil }
        case .cancel(let cancellation):
            cancel(cancellation, send: send)
        case .drain:
            logger.info("the coordinator asks to drain")
            draining = true
        case .shutdown:
            logger.info("the coordinator shuts this worker down")
            for trial in running.values { trial.stop() }
            send(.bye)
            ending = .finished
        case .heartbeat:
            break
        default:
            logger.warning("dropped a \(message.typeName), which a coordinator does not send")
        }
    }

    private mutating func welcomed(_ welcome: WireMessage.Welcome, send: (WireMessage) -> Void) {
        if coordinator != welcome.coordinator {
            logger.info("welcomed by coordinator \(welcome.coordinator) for sweep \(welcome.sweep)")
        }
        coordinator = welcome.coordinator
        helloSentAt = nil
        heartbeat = welcome.heartbeatInterval
        deadAfter = welcome.deadAfter
        // The coordinator may be a new one that lost what it had not journaled: every
        // curve again (it keeps what it lacks), then the results.
        for trial in running.values { resendCurve(of: trial.assignment.lease, trial.assignment.trialAttempt, send: send) }
        for (attempt, entry) in unacknowledged {
            resend(entry.message, send: send)
            unacknowledged[attempt]?.sentAt = .now
        }
        send(.ready(.init(free: free)))
    }

    private mutating func rejected(_ rejection: WireMessage.Rejection, send: (WireMessage) -> Void) {
        if rejection.reason == .unknownWorker {
            if let helloSentAt, ContinuousClock.now - helloSentAt < .seconds(2) { return }
            logger.info("the coordinator does not know this worker (it restarted?); saying hello again")
            sayHello(send)
        } else {
            logger.error("rejected by the coordinator (\(rejection.reason)): \(rejection.detail)")
            for trial in running.values { trial.stop() }
            ending = .rejected("\(rejection.reason): \(rejection.detail)")
        }
    }

    /// Artifacts asked for with `FETCH`: the assignments that waited only for them start.
    private mutating func received(_ delivery: WireMessage.ArtifactDelivery, send: (WireMessage) -> Void,
                                   report: @escaping @Sendable (TrialThread.Report) -> Void) {
        for artifact in delivery.artifacts { cache.put(artifact) }
        for (lease, entry) in waiting {
            let missing = entry.missing.filter { cache.get($0) == nil }
            if missing.contains(where: { delivery.missing.contains($0) }) {
                waiting[lease] = nil
                fail(entry.assignment, error: "the coordinator does not have artifact \(missing.first!)", send: send)
            } else if missing.isEmpty {
                waiting[lease] = nil
                start(entry.assignment, report: report)
            } else {
                waiting[lease]?.missing = missing
            }
        }
    }

    private mutating func cancel(_ cancellation: WireMessage.Cancellation, send: (WireMessage) -> Void) {
        // The lease is void: nothing sent for it would count any more, not even a result.
        logger.info("trial \(cancellation.trial) cancelled: \(cancellation.reason)")
        running[cancellation.lease]?.stop()
        running[cancellation.lease] = nil
        waiting[cancellation.lease] = nil
        curves[cancellation.lease] = nil
        if unacknowledged[cancellation.trialAttempt]?.lease == cancellation.lease {
            unacknowledged[cancellation.trialAttempt] = nil
        }
        send(.ready(.init(free: free)))
    }

    private mutating func accept(_ assignment: WireMessage.Assignment, send: @escaping (WireMessage) -> Void,
                                 report: @escaping @Sendable (TrialThread.Report) -> Void) {
        guard !draining else {
            fail(assignment, error: "worker \(configuration.name) is draining", send: send)
            return
        }
        var missing: Set<SHA256Digest> = []
        for attachment in assignment.artifacts.values {
            switch attachment {
            case .inline(let artifact): cache.put(artifact)
            case .byDigest(let reference): if cache.get(reference.sha256) == nil { missing.insert(reference.sha256) }
            }
        }
        if missing.isEmpty {
            start(assignment, report: report)
        } else {
            waiting[assignment.lease] = (assignment, missing)
            send(.fetch(.init(sha256: missing.sorted { $0.hex < $1.hex })))
        }
    }

    private mutating func start(_ assignment: WireMessage.Assignment,
                                report: @escaping @Sendable (TrialThread.Report) -> Void) {
        var inputs: [ArtifactRole: Artifact] = [:]
        for (role, attachment) in assignment.artifacts {
            if let artifact = cache.get(attachment.reference.sha256) { inputs[role] = artifact }
        }
        let thread = TrialThread(assignment: assignment)
        running[assignment.lease] = thread
        logger.info("training \(assignment.trial) (attempt \(assignment.attempt))")
        thread.start(dataFolders: configuration.dataFolders, threads: configuration.threads, inputs: inputs,
                     report: report)
    }

    private mutating func fail(_ assignment: WireMessage.Assignment, error: String, send: (WireMessage) -> Void) {
        let message = WireMessage.failed(.init(lease: assignment.lease, trial: assignment.trial,
                                               attempt: assignment.attempt, error: error, retryable: true))
        unacknowledged[assignment.trialAttempt] = (message, assignment.lease, .now)
        send(message)
    }

    private mutating func finished(_ report: TrialThread.Report, send: (WireMessage) -> Void) {
        switch report {
        case .evaluations(let lease, let points):
            guard let trial = running[lease] else { return }
            curves[lease, default: []] += points
            send(.metrics(.init(lease: lease, trial: trial.assignment.trial, attempt: trial.assignment.attempt,
                                points: points)))
        case .finished(let lease, var result):
            guard running.removeValue(forKey: lease) != nil else { return }
            for artifact in result.artifacts.values { cache.put(artifact) }
            result.points = Set((curves[lease] ?? []).map { PointKey(iteration: $0.iteration, split: $0.split) }).count
            let message = WireMessage.result(result)
            unacknowledged[result.trialAttempt] = (message, lease, .now)
            logger.info("finished \(result.trial): test accuracy \(result.summary.earlyStopTestAccuracy) at early stop")
            send(message)
            send(.ready(.init(free: free)))
        case .failed(let lease, let error, let retryable, let cancelled):
            guard let trial = running.removeValue(forKey: lease) else { return }
            curves[lease] = nil
            if cancelled { return }
            logger.warning("trial \(trial.assignment.trial) failed: \(error)")
            let message = WireMessage.failed(.init(lease: lease, trial: trial.assignment.trial,
                                                   attempt: trial.assignment.attempt, error: error, retryable: retryable))
            unacknowledged[trial.assignment.trialAttempt] = (message, lease, .now)
            send(message)
            send(.ready(.init(free: free)))
        }
    }

    /// The security handshake's outcome, which libzmq reports only to the socket monitor.
    private mutating func connection(_ event: ConnectionEvent) {
        switch event {
        case .handshakeSucceeded(let endpoint):
            if !handshakeSucceeded || handshakeFailures > 0 {
                logger.info("connected to the coordinator at \(endpoint)\(configuration.curve == nil ? "" : " with CURVE")")
            }
            handshakeSucceeded = true
            handshakeFailures = 0
        case .authenticationFailed(let endpoint, let status):
            // libzmq drops the connection for good after a refusal: waiting would be forever.
            giveUp(HandshakeFailure.refused(endpoint: endpoint, status: status, curve: configuration.curve).description)
        case .protocolFailed(let endpoint, let error):
            giveUp(HandshakeFailure.protocolError(endpoint: endpoint, error, curve: configuration.curve).description)
        case .handshakeFailed(let endpoint, _):
            handshakeFailures += 1
            let failure = HandshakeFailure.brokenOff(endpoint: endpoint, times: handshakeFailures, curve: configuration.curve)
            if handshakeFailures >= configuration.maxHandshakeFailures {
                giveUp(failure.description)
            } else if handshakeFailures == 1 {
                logger.warning("\(failure); trying again")
            }
        case .connected, .connectRetried, .disconnected:
            break
        }
    }

    /// Ends the worker: the coordinator will not, or cannot, talk to it.
    private mutating func giveUp(_ reason: String) {
        logger.error("\(reason)")
        for trial in running.values { trial.stop() }
        ending = .rejected(reason)
    }

    private mutating func tick(_ send: (WireMessage) -> Void) {
        let now = ContinuousClock.now
        for (attempt, entry) in unacknowledged where now - entry.sentAt >= configuration.resendInterval {
            resend(entry.message, send: send)
            unacknowledged[attempt]?.sentAt = now
        }
        if now - lastHeartbeat >= heartbeat {
            send(.heartbeat)
            lastHeartbeat = now
        }
        if !coordinatorSilent && now - lastHeard >= deadAfter {
            coordinatorSilent = true
            // A refused handshake ends the worker (see `connection`); silence before any
            // handshake is a coordinator that is not there (yet), or a network in the way.
            let hint = handshakeSucceeded ? "" : " (no connection to \(configuration.endpoint) has been made yet:"
                + " is the coordinator running there, and can this machine reach it?)"
            logger.warning("the coordinator has been silent for \(deadAfter); carrying on and waiting for it\(hint)")
        }
    }

    /// A result or failure again; a result after its whole curve, which the coordinator
    /// needs before it acknowledges it (docs/PROTOCOL.md, 6.3).
    private func resend(_ message: WireMessage, send: (WireMessage) -> Void) {
        if case .result(let result) = message { resendCurve(of: result.lease, result.trialAttempt, send: send) }
        send(message)
    }

    /// Every metric point of a lease so far, in `METRICS` of at most `curveBatch` points.
    private func resendCurve(of lease: String, _ attempt: TrialAttempt, send: (WireMessage) -> Void) {
        guard let points = curves[lease] else { return }
        for start in stride(from: 0, to: points.count, by: Self.curveBatch) {
            let batch = Array(points[start..<min(start + Self.curveBatch, points.count)])
            send(.metrics(.init(lease: lease, trial: attempt.trial, attempt: attempt.attempt, points: batch)))
        }
    }

    /// Points per resent `METRICS`: well inside the 64 KiB header however long the numbers.
    static let curveBatch = 200

    private struct PointKey: Hashable {
        let iteration: Int
        let split: Split
    }
}
