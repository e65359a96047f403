import Foundation
import LotteryCore
import Wire

/// Many simulated workers on one thread, each its own DEALER socket speaking the
/// protocol as a real worker does, for the coordinator's scale test and benchmark.
/// They train nothing: an assignment is held for `trainingTime`, then answered with
/// `points` metric points and the result `answer` makes. Any share of them can be
/// made silent at once (they stop sending and reading, their connections stay up:
/// hung processes), and new ones can join at any time.
public final class WorkerCrowd: @unchecked Sendable {
    // @unchecked: the sockets and `members` belong to the crowd's thread; other threads
    // reach it through `commands` and `report`, both behind `lock`.

    public struct Configuration: Sendable {
        public var endpoint: String
        /// Workers that join at the start.
        public var count: Int
        /// Names are `<prefix>-<index>`.
        public var prefix = "sim"
        /// What each says it holds in HELLO (the coordinator checks it).
        public var datasets: [String: SHA256Digest]
        /// How long each assignment is "trained".
        public var trainingTime: Duration = .zero
        /// Metric points each result comes after.
        public var points = 3
        public var heartbeat: Duration = .seconds(1)

        public init(endpoint: String, count: Int, datasets: [String: SHA256Digest]) {
            self.endpoint = endpoint
            self.count = count
            self.datasets = datasets
        }
    }

    /// What the crowd saw, so far.
    public struct Report: Sendable {
        /// Seconds from each HELLO to its WELCOME, in the order the WELCOMEs came.
        public var welcomeLatencies: [Double] = []
        /// Seconds from each READY to the ASSIGN that answered it.
        public var assignmentLatencies: [Double] = []
        /// Acknowledged results, in the order of their ACKs.
        public var acknowledged: [TrialAttempt] = []
        public var cancelled = 0
        public var rejections: [String] = []
        public var errors: [String] = []
        /// The workers the coordinator told to shut down.
        public var shutDown = 0
        public var firstAssignment: ContinuousClock.Instant?
        public var lastAcknowledgement: ContinuousClock.Instant?
    }

    private struct Member {
        let socket: Socket
        var helloAt: ContinuousClock.Instant
        var welcomed = false
        var silent = false
        var gone = false
        var lastHeartbeat: ContinuousClock.Instant
        var readySince: ContinuousClock.Instant?
        /// Assignments being "trained" (one slot: more only if the coordinator sends them).
        var training: [(assignment: WireMessage.Assignment, until: ContinuousClock.Instant)] = []
        var free: Int { max(0, 1 - training.count) }
        /// What a real worker lists in `HELLO`: every lease it still holds.
        var leases: [WireMessage.Lease] {
            training.map { WireMessage.Lease(lease: $0.assignment.lease, trial: $0.assignment.trial, attempt: $0.assignment.attempt) }
                + unacknowledged.map { WireMessage.Lease(lease: $0.value.lease, trial: $0.key.trial, attempt: $0.key.attempt) }
        }
        /// Results not acknowledged yet, each after the metric points it needs.
        var unacknowledged: [TrialAttempt: (lease: String, metrics: WireMessage?, result: WireMessage, at: ContinuousClock.Instant)] = [:]
    }

    private enum Command {
        case silence(Int)
        case join(Int)
        case stop
    }

    public let configuration: Configuration
    private let answer: @Sendable (WireMessage.Assignment) -> (RunSummary, [ArtifactRole: Artifact])
    private let context: ZMQContext
    private let lock = NSLock()
    private var commands: [Command] = []
    private var shared = Report()
    private var members: [Member] = []
    private var nextIndex = 0
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameter answer: the summary and artifacts of the result for an assignment.
    public init(_ configuration: Configuration,
                answer: @escaping @Sendable (WireMessage.Assignment) -> (RunSummary, [ArtifactRole: Artifact])) throws {
        self.configuration = configuration
        self.answer = answer
        context = try ZMQContext(maxSockets: configuration.count + 1024)
    }

    public func start() {
        let thread = Thread { [self] in
            do {
                try run()
            } catch {
                lock.withLock { shared.errors.append(String(describing: error)) }
            }
            finished.signal()
        }
        thread.name = "worker crowd"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The first `count` workers still talking stop, all at once.
    public func silence(_ count: Int) { post(.silence(count)) }

    /// `count` more workers join.
    public func join(_ count: Int) { post(.join(count)) }

    /// Ends the crowd (closing every socket) and returns what it saw.
    public func stop() -> Report {
        post(.stop)
        finished.wait()
        return report
    }

    public var report: Report { lock.withLock { shared } }

    private func post(_ command: Command) {
        lock.withLock { commands.append(command) }
    }

    // MARK: The crowd's thread

    private func run() throws {
        try add(configuration.count)
        var stopping = false
        while !stopping {
            for command in lock.withLock({ () -> [Command] in defer { commands = [] }; return commands }) {
                switch command {
                case .silence(let count):
                    var left = count
                    for index in members.indices where left > 0 && !members[index].silent && !members[index].gone {
                        members[index].silent = true
                        left -= 1
                    }
                case .join(let count):
                    try add(count)
                case .stop:
                    stopping = true
                }
            }
            let talking = members.indices.filter { !members[$0].silent && !members[$0].gone }
            let events = try Socket.poll(talking.map { PollItem(members[$0].socket) }, timeout: .milliseconds(5))
            for (position, index) in talking.enumerated() where events[position].contains(.readable) {
                while !members[index].gone, let frames = try members[index].socket.tryReceive() {
                    try handle(frames, member: index)
                }
            }
            try tick(talking)
        }
        for member in members { member.socket.close() }
    }

    private func add(_ count: Int) throws {
        for _ in 0..<count {
            let socket = try Socket(.dealer, context: context)
            let name = "\(configuration.prefix)-\(nextIndex)"
            nextIndex += 1
            try socket.set(.routingID("\(name)-\(String(UInt32.random(in: 0 ... .max), radix: 16))"))
            try socket.set(.linger(.zero))
            try socket.connect(configuration.endpoint)
            let now = ContinuousClock.now
            members.append(Member(socket: socket, helloAt: now, lastHeartbeat: now))
            try send(.hello(.init(worker: name, host: "simulated", slots: 1, threads: 1, datasets: configuration.datasets)),
                     member: members.count - 1)
        }
    }

    private func send(_ message: WireMessage, member index: Int) throws {
        try members[index].socket.send(try message.frames())
    }

    private func handle(_ frames: [[UInt8]], member index: Int) throws {
        let now = ContinuousClock.now
        switch try WireMessage(frames: frames) {
        case .welcome:
            if !members[index].welcomed {
                members[index].welcomed = true
                let latency = (now - members[index].helloAt).inSeconds
                lock.withLock { shared.welcomeLatencies.append(latency) }
            }
            members[index].readySince = now
            try send(.ready(.init(free: members[index].free)), member: index)
        case .assign(let assignment):
            if let readySince = members[index].readySince {
                lock.withLock {
                    shared.assignmentLatencies.append((now - readySince).inSeconds)
                    if shared.firstAssignment == nil { shared.firstAssignment = now }
                }
            }
            members[index].readySince = nil
            members[index].training.append((assignment, now + configuration.trainingTime))
        case .ack(let attempt):
            members[index].unacknowledged[attempt] = nil
            lock.withLock {
                shared.acknowledged.append(attempt)
                shared.lastAcknowledgement = now
            }
        case .cancel(let cancellation):
            members[index].training.removeAll { $0.assignment.lease == cancellation.lease }
            if members[index].unacknowledged[cancellation.trialAttempt]?.lease == cancellation.lease {
                members[index].unacknowledged[cancellation.trialAttempt] = nil
            }
            lock.withLock { shared.cancelled += 1 }
        case .reject(let rejection):
            if rejection.reason == .unknownWorker {
                members[index].helloAt = now
                try send(.hello(.init(worker: "\(configuration.prefix)-again", host: "simulated", slots: 1, threads: 1,
                                      datasets: configuration.datasets, running: members[index].leases)), member: index)
            } else {
                lock.withLock { shared.rejections.append("\(rejection.reason): \(rejection.detail)") }
                members[index].gone = true
            }
        case .shutdown, .drain:
            try send(.bye, member: index)
            members[index].gone = true
            lock.withLock { shared.shutDown += 1 }
        default:
            break
        }
    }

    /// Finished "training", results not acknowledged, heartbeats.
    private func tick(_ talking: [Int]) throws {
        let now = ContinuousClock.now
        for index in talking where !members[index].gone {
            while let position = members[index].training.firstIndex(where: { now >= $0.until }) {
                let assignment = members[index].training.remove(at: position).assignment
                let points = (0..<configuration.points).map {
                    Evaluation(iteration: $0 / 3 * 100, split: [Split.train, .validation, .test][$0 % 3], loss: 1, accuracy: 0.5)
                }
                let metrics = points.isEmpty ? nil : WireMessage.metrics(.init(
                    lease: assignment.lease, trial: assignment.trial, attempt: assignment.attempt, points: points))
                if let metrics { try send(metrics, member: index) }
                let (summary, artifacts) = answer(assignment)
                let result = WireMessage.result(.init(lease: assignment.lease, trial: assignment.trial,
                                                      attempt: assignment.attempt, summary: summary,
                                                      artifacts: artifacts, points: points.count))
                members[index].unacknowledged[assignment.trialAttempt] = (assignment.lease, metrics, result, now)
                try send(result, member: index)
                // Free again at once, as a real worker is: the acknowledgement comes later.
                members[index].readySince = now
                try send(.ready(.init(free: members[index].free)), member: index)
            }
            for (attempt, entry) in members[index].unacknowledged where now - entry.at > .seconds(5) {
                members[index].unacknowledged[attempt]?.at = now
                if let metrics = entry.metrics { try send(metrics, member: index) }
                try send(entry.result, member: index)
            }
            if now - members[index].lastHeartbeat >= configuration.heartbeat {
                members[index].lastHeartbeat = now
                try send(.heartbeat, member: index)
            }
        }
    }
}
