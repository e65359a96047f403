import Logging
import LotteryCore
import Testing
import Wire
@testable import Worker

/// The worker's protocol state machine without a socket: messages in, messages out.
struct WorkerStateTests {
    private static let configuration = WorkerConfiguration(endpoint: "tcp://127.0.0.1:1", name: "w1", host: "h1", slots: 2)
    private static let recipe = TrialRecipe(model: Preset.lenet300100.model, data: DataSpec(dataset: "fashion-mnist"),
                                            training: Preset.lenet300100.training, seed: 1)
    private static let digest = SHA256Digest(hex: String(repeating: "ab", count: 32))!

    /// Runs a worker on `inputs` (the coordinator's messages, or other inputs) until it ends
    /// or they run out: how it ended, and everything it sent.
    private static func run(_ inputs: [WorkerState.Input]) async -> (ending: WorkerService.Ending, sent: [WireMessage]) {
        var logger = Logger(label: "worker-state-test")
        logger.logLevel = .critical
        var state = WorkerState(configuration: configuration, datasets: [:], logger: logger)
        let (stream, continuation) = AsyncStream<WorkerState.Input>.makeStream()
        for input in inputs { continuation.yield(input) }
        continuation.finish()
        let outbox = Outbox()
        let ending = await state.loop(inputs: stream, send: { outbox.messages.append($0) }, report: { _ in })
        return (ending, outbox.messages)
    }

    private final class Outbox: @unchecked Sendable {
        var messages: [WireMessage] = []
    }

    private static func received(_ message: WireMessage) -> WorkerState.Input {
        .wire(.message("coordinator", try! message.frames()))
    }

    private static let welcome = received(.welcome(.init(coordinator: "c-1", sweep: "s")))

    /// An assignment whose parent mask the worker does not hold.
    private static let assignment = WireMessage.Assignment(
        lease: "L1", trial: "0123456789abcdef", attempt: 1, recipe: recipe,
        artifacts: [.parentMask: .byDigest(ArtifactReference(kind: .mask, sha256: digest, size: 10))])

    @Test func itSaysHelloFirstAndIsReadyForEverySlotWhenWelcomed() async {
        let (ending, sent) = await Self.run([Self.welcome])
        #expect(ending == .finished)
        guard sent.count == 2, case .hello(let hello) = sent[0] else {
            Issue.record("expected HELLO then READY, got \(sent.map(\.typeName))")
            return
        }
        #expect(hello.worker == "w1" && hello.slots == 2 && hello.running.isEmpty)
        #expect(sent[1] == .ready(.init(free: 2)))
    }

    @Test func unknownWorkerRightAfterHelloIsNotAnsweredButLaterItIsWithHello() async {
        let unknown = Self.received(.reject(.init(reason: .unknownWorker, detail: "say HELLO first")))
        // Messages queued before the HELLO each draw one: the HELLO just sent answers them all.
        let early = await Self.run([unknown, unknown])
        #expect(early.sent.map(\.type) == [.hello])
        // Once welcomed, the coordinator forgetting the worker (a restart) calls for a new HELLO.
        let later = await Self.run([Self.welcome, unknown])
        #expect(later.sent.map(\.type) == [.hello, .ready, .hello])
        #expect(later.ending == .finished)
    }

    @Test func anyOtherRejectionEndsTheWorkerWithItsReason() async {
        let (ending, sent) = await Self.run([Self.received(.reject(.init(reason: .version, detail: "speaks 2")))])
        #expect(ending == .rejected("version: speaks 2"))
        #expect(sent.map(\.type) == [.hello])
    }

    @Test func shutdownSaysByeAndEnds() async {
        let (ending, sent) = await Self.run([Self.welcome, Self.received(.shutdown), Self.welcome])
        #expect(ending == .finished)
        #expect(sent.map(\.type) == [.hello, .ready, .bye], "nothing after SHUTDOWN is read")
    }

    @Test func anAssignmentWithArtifactsItLacksFetchesThemAndFailsWhenTheCoordinatorHasNone() async {
        let (_, sent) = await Self.run([
            Self.welcome, Self.received(.assign(Self.assignment)),
            Self.received(.artifacts(.init(artifacts: [], missing: [Self.digest]))),
        ])
        #expect(sent.map(\.type) == [.hello, .ready, .fetch, .failed])
        #expect(sent[2] == .fetch(.init(sha256: [Self.digest])))
        guard case .failed(let failure) = sent[3] else { return }
        #expect(failure.lease == "L1" && failure.trial == "0123456789abcdef" && failure.attempt == 1)
        #expect(failure.retryable)
        #expect(failure.error == "the coordinator does not have artifact \(Self.digest)")
    }

    @Test func aCancelledLeaseFreesItsSlot() async {
        let (_, sent) = await Self.run([
            Self.welcome, Self.received(.assign(Self.assignment)),
            Self.received(.cancel(.init(lease: "L1", trial: "0123456789abcdef", attempt: 1, reason: "void"))),
        ])
        #expect(sent.map(\.type) == [.hello, .ready, .fetch, .ready])
        #expect(sent.last == .ready(.init(free: 2)), "the cancelled assignment no longer takes a slot")
    }

    @Test func aDrainingWorkerRefusesAssignmentsAndLeavesWhenNothingIsInFlight() async {
        var second = Self.assignment
        second.lease = "L2"
        second.trial = "fedcba9876543210"
        let (ending, sent) = await Self.run([
            Self.welcome, Self.received(.assign(Self.assignment)), .terminate(drain: true),
            Self.received(.assign(second)),
            Self.received(.cancel(.init(lease: "L1", trial: "0123456789abcdef", attempt: 1, reason: "void"))),
            Self.received(.ack(TrialAttempt(trial: "fedcba9876543210", attempt: 1))), Self.welcome,
        ])
        #expect(ending == .finished)
        #expect(sent.map(\.type) == [.hello, .ready, .fetch, .ready, .failed, .ready, .bye])
        #expect(sent[3] == .ready(.init(free: 0)), "draining offers no slots")
        guard case .failed(let failure) = sent[4] else { return }
        #expect(failure.lease == "L2" && failure.error == "worker w1 is draining")
    }

    @Test func aMalformedMessageOrOneOnlyAWorkerSendsIsDropped() async {
        let (ending, sent) = await Self.run([
            .wire(.message("coordinator", [Array("HELLO".utf8), Array("{".utf8)])),
            Self.received(.ready(.init(free: 3))),
        ])
        #expect(ending == .finished)
        #expect(sent.map(\.type) == [.hello])
    }
}
