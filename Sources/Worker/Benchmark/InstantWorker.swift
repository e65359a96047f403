import Foundation
import SweepPlan
import Wire

/// A worker for the coordinator benchmark only: it speaks the protocol like a
/// real worker but "trains" nothing — each assignment is answered at once with
/// `points` metric points and a result — so what is measured is the
/// coordinator and the wire. It owns one DEALER socket on its own thread.
public final class InstantWorker: @unchecked Sendable {
    // @unchecked: the socket is made, used and closed on the worker's own thread;
    // the measurements are read only after that thread has finished.
    public let name: String
    public let endpoint: String
    public let points: Int
    /// What it says it holds in HELLO (the coordinator checks it).
    public let datasets: [String: SHA256Digest]
    public private(set) var completed = 0
    /// Seconds from each READY to the ASSIGN that answered it.
    public private(set) var assignmentLatencies: [Double] = []
    public private(set) var firstAssignment: ContinuousClock.Instant?
    public private(set) var lastAcknowledgement: ContinuousClock.Instant?
    public private(set) var error: String?
    private let done = DispatchSemaphore(value: 0)

    public init(name: String, endpoint: String, points: Int, datasets: [String: SHA256Digest]) {
        self.name = name
        self.datasets = datasets
        self.endpoint = endpoint
        self.points = points
    }

    public func start(context: ZMQContext) {
        let thread = Thread { [self] in
            do {
                try loop(context: context)
            } catch {
                self.error = String(describing: error)
            }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the worker to be shut down by the coordinator.
    public func wait() { done.wait() }

    private func loop(context: ZMQContext) throws {
        let socket = try Socket(.dealer, context: context)
        try socket.set(.routingID("\(name)-\(String(UInt32.random(in: 0 ... .max), radix: 16))"))
        try socket.set(.linger(.milliseconds(1000)))
        try socket.connect(endpoint)
        func send(_ message: WireMessage) throws { try socket.send(try message.frames()) }
        try send(.hello(.init(worker: name, host: "bench", slots: 1, threads: 1, datasets: datasets)))
        var readySince: ContinuousClock.Instant?
        var lastHeartbeat = ContinuousClock.now
        while true {
            let ready = try Socket.poll([PollItem(socket)], timeout: .milliseconds(200))
            guard ready[0].contains(.readable), let frames = try socket.tryReceive() else {
                if ContinuousClock.now - lastHeartbeat > .seconds(1) {
                    try send(.heartbeat)
                    lastHeartbeat = .now
                }
                continue
            }
            if ContinuousClock.now - lastHeartbeat > .seconds(1) {
                try send(.heartbeat)
                lastHeartbeat = .now
            }
            switch try WireMessage(frames: frames) {
            case .welcome:
                readySince = .now
                try send(.ready(.init(free: 1)))
            case .assign(let assignment):
                let now = ContinuousClock.now
                if firstAssignment == nil { firstAssignment = now }
                if let readySince { assignmentLatencies.append((now - readySince).inSeconds) }
                let evaluations = (0..<points).map {
                    Evaluation(iteration: $0 / 2, split: $0 % 2 == 0 ? .validation : .test, loss: 1, accuracy: 0.5)
                }
                if !evaluations.isEmpty {
                    try send(.metrics(.init(lease: assignment.lease, trial: assignment.trial,
                                            attempt: assignment.attempt, points: evaluations)))
                }
                let summary = RunSummary(iterations: 1, earlyStopIteration: 0, minValidationLoss: 1,
                                         earlyStopTestAccuracy: 0.5, finalValidationLoss: 1, finalValidationAccuracy: 0.5,
                                         finalTestLoss: 1, finalTestAccuracy: 0.5, layers: [], seconds: 0)
                try send(.result(.init(lease: assignment.lease, trial: assignment.trial, attempt: assignment.attempt,
                                       summary: summary)))
                readySince = .now
                try send(.ready(.init(free: 1)))
            case .ack:
                completed += 1
                lastAcknowledgement = .now
            case .shutdown, .drain:
                try send(.bye)
                socket.close()
                return
            case .reject(let rejection):
                throw WorkerError.rejected("\(rejection.reason): \(rejection.detail)")
            default:
                break
            }
        }
    }
}
