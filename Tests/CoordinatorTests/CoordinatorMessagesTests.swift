@testable import Coordinator
import Foundation
import Journal
import Logging
import LotteryCore
import SweepPlan
import Testing
import Wire

/// The coordinator's answers to each message a worker sends, without a socket: the
/// service restored from a fresh journal, its `send` collecting what would go out.
final class CoordinatorMessagesTests {
    private let folder = NSTemporaryDirectory() + "lottery-coordinator-\(UUID().uuidString)"
    private let service: CoordinatorService
    private let outbox = Outbox()
    private let peer = PeerID(Array("worker-1".utf8))

    private final class Outbox: @unchecked Sendable {
        var messages: [WireMessage] = []
    }

    init() throws {
        let sweep = try Sweep(yaml: """
            name: handlers
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 200it, eval_every: 100}
            levels: 1
            """)
        var logger = Logger(label: "coordinator-messages-test")
        logger.logLevel = .critical
        service = try CoordinatorService(
            sweep: sweep, configuration: CoordinatorConfiguration(endpoint: "tcp://127.0.0.1:0", runFolder: folder),
            logger: logger)
        try service.restore()
        service.send = { [outbox] _, message in outbox.messages.append(message) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func receive(_ message: WireMessage) {
        service.receive([peer.bytes] + (try! message.frames()))
    }

    /// What was sent since the last call.
    private func sent() -> [WireMessage] {
        defer { outbox.messages = [] }
        return outbox.messages
    }

    private var denseTrial: PlannedTrial { service.plan.trials[0] }

    private func hello() {
        receive(.hello(.init(worker: "w1", host: "h1", slots: 1, threads: 1,
                             fingerprints: ["fashion-mnist": DatasetFingerprint(combined: String(repeating: "cd", count: 32))])))
    }

    /// Says hello and asks for a trial: the lease it got.
    private func lease() throws -> WireMessage.Assignment {
        hello()
        receive(.ready(.init(free: 1)))
        let assign = try #require(sent().last)
        guard case .assign(let assignment) = assign else { throw Failure("expected ASSIGN, got \(assign.typeName)") }
        return assignment
    }

    private struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func aMessageBeforeHelloIsRefusedAsFromAnUnknownWorker() {
        receive(.ready(.init(free: 1)))
        #expect(sent() == [.reject(.init(reason: .unknownWorker, detail: "say HELLO first"))])
        #expect(service.dropped == ["unknown-worker": 1])
    }

    @Test func helloIsWelcomedAndReadyGetsTheDenseRun() throws {
        hello()
        #expect(sent() == [.welcome(.init(coordinator: service.coordinatorID, sweep: "handlers",
                                          heartbeatInterval: .seconds(1), deadAfter: .seconds(5)))])
        let assignment = try lease()
        #expect(assignment.trial == denseTrial.id.rawValue && assignment.attempt == 1)
        #expect(assignment.recipe == denseTrial.recipe && assignment.artifacts.isEmpty)
        #expect(service.scheduler.state(of: denseTrial.id) == .running)
    }

    @Test func aResultForAnUnknownTrialIsCancelledAndNeverAcknowledged() throws {
        _ = try lease()
        let summary = RunSummary(iterations: 200, earlyStopIteration: 100, minValidationLoss: 0.5, earlyStopTestAccuracy: 0.8,
                                 finalValidationLoss: 0.5, finalValidationAccuracy: 0.8, finalTestLoss: 0.5,
                                 finalTestAccuracy: 0.8, layers: [], seconds: 1)
        receive(.result(.init(lease: "L1", trial: "0123456789abcdef", attempt: 1, summary: summary)))
        #expect(sent() == [.cancel(.init(lease: "L1", trial: "0123456789abcdef", attempt: 1,
                                         reason: "this sweep has no trial 0123456789abcdef"))])
        try service.commit()
        #expect(sent() == [])
        #expect(service.dropped["unknown-trial"] == 1)
    }

    @Test func aFailureForALeaseThisWorkerDoesNotHoldIsCancelled() throws {
        let assignment = try lease()
        receive(.failed(.init(lease: "L-other", trial: assignment.trial, attempt: 1, error: "out of memory")))
        #expect(sent() == [.cancel(.init(lease: "L-other", trial: assignment.trial, attempt: 1,
                                         reason: "this worker does not hold that lease"))])
        #expect(service.dropped["not-lease-holder"] == 1)
        #expect(service.scheduler.state(of: denseTrial.id) == .running, "the real lease is untouched")
    }

    @Test func aFailureOfAHeldLeaseIsAcknowledgedOnlyAfterTheCommitAndTheTrialIsQueuedAgain() throws {
        let assignment = try lease()
        receive(.failed(.init(lease: assignment.lease, trial: assignment.trial, attempt: 1, error: "out of memory")))
        #expect(service.scheduler.state(of: denseTrial.id) == .pending)
        // The ACK waits for the commit that journals the failure.
        #expect(sent() == [])
        try service.commit()
        #expect(sent() == [.ack(TrialAttempt(trial: assignment.trial, attempt: 1))])
        #expect(try service.journal.trials().first { $0.id == denseTrial.id }?.state == .pending)
    }

    @Test func metricsForALeaseNotHeldAreDropped() throws {
        _ = try lease()
        let point = Evaluation(iteration: 100, split: .validation, loss: 0.5, accuracy: 0.8)
        receive(.metrics(.init(lease: "L-other", trial: denseTrial.id.rawValue, attempt: 1, points: [point])))
        #expect(sent() == [])
        #expect(service.dropped["stale-metrics"] == 1)
        #expect(service.curves["L-other"] == nil)
    }

    @Test func aMessageOnlyACoordinatorSendsIsCountedAndDropped() {
        hello()
        _ = sent()
        receive(.welcome(.init(coordinator: "c-2", sweep: "other")))
        #expect(sent() == [])
        #expect(service.dropped == ["wrong-direction": 1])
    }

    @Test func anotherProtocolVersionIsRejectedWithReasonVersion() throws {
        var frames = try WireMessage.heartbeat.frames()
        frames[1] = Array(#"{"v":2}"#.utf8)
        service.receive([peer.bytes] + frames)
        let answer = try #require(sent().first)
        guard case .reject(let rejection) = answer else {
            Issue.record("expected REJECT, got \(answer.typeName)")
            return
        }
        #expect(rejection.reason == .version)
        #expect(service.dropped == ["unsupported-version": 1])
    }
}
