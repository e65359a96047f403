import FlyingSocks
import Foundation
import Synchronization

/// How many event streams are open: each polls the watcher's state, so they are bounded.
final class StreamCount: Sendable {
    static let limit = 64
    private let open = Atomic<Int>(0)

    /// A ticket for one more stream, or nil when `limit` are open.
    func enter() -> Ticket? {
        let now = open.add(1, ordering: .relaxed).newValue
        if now > Self.limit {
            open.subtract(1, ordering: .relaxed)
            return nil
        }
        return Ticket(count: self)
    }

    var current: Int { open.load(ordering: .relaxed) }

    fileprivate func leave() { open.subtract(1, ordering: .relaxed) }

    /// Gives its place back when the stream ends (the client left or the server stopped).
    final class Ticket: Sendable {
        private let count: StreamCount
        fileprivate init(count: StreamCount) { self.count = count }
        deinit { count.leave() }
    }
}

/// `/api/stream`: Server-Sent Events, one `state` event whenever the watcher's state changed,
/// carrying only what this client has not seen: the whole state first, then the parts that
/// changed, and of the live learning curves only the new points. A comment line every
/// 15 s keeps idle connections (and proxies) open.
struct EventStream: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8

    let watcher: Watcher
    let ticket: StreamCount.Ticket

    func makeAsyncIterator() -> Iterator { Iterator(watcher: watcher, ticket: ticket) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        let watcher: Watcher
        let ticket: StreamCount.Ticket
        var delta = StreamDelta()
        var pending: [UInt8] = []
        var lastSent = ContinuousClock.now

        init(watcher: Watcher, ticket: StreamCount.Ticket) {
            self.watcher = watcher
            self.ticket = ticket
            // Tells EventSource to reconnect after 2 s when the connection drops.
            pending = Array("retry: 2000\n\n".utf8)
        }

        mutating func next() async throws -> UInt8? {
            guard let buffer = try await nextBuffer(suggested: 1) else { return nil }
            return buffer.first
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            while pending.isEmpty {
                if Task.isCancelled { return nil }
                if let message = delta.message(for: watcher.current) {
                    pending = Array("event: state\ndata: ".utf8) + message + Array("\n\n".utf8)
                } else if ContinuousClock.now - lastSent >= .seconds(15) {
                    pending = Array(": keep-alive\n\n".utf8)
                } else {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            lastSent = .now
            let size = Swift.max(1, count)
            let chunk = Array(pending.prefix(size))
            pending.removeFirst(chunk.count)
            return chunk
        }
    }
}

/// What one stream has sent, and the next message for it.
struct StreamDelta {
    private var version = -1
    private var progress = -1
    private var levels = -1
    private var workers = -1
    private var problems = -1
    private var rows = -1
    /// Per live curve sent: its attempt and how many points of it.
    private var curves: [String: (attempt: Int, count: Int)] = [:]

    struct Message: Encodable {
        var version: Int
        var sweep: SweepInfo?
        var progress: ProgressInfo?
        var levels: [LevelPoint]?
        var workers: [WorkerInfo]?
        var failures: [FailureInfo]?
        var dropped: [String: Int]?
        var rowsVersion: Int
        /// The trials whose curves are live now, in the order the page shows them.
        var running: [String]
        /// New points of live curves; `from` is how many the client holds already (0: a new curve).
        var curves: [CurvePart]
    }

    struct CurvePart: Encodable {
        var trial: String
        var level: Int
        var branch: String
        var attempt: Int
        var from: Int
        var points: [CurvePoint]
    }

    /// The JSON of what changed since the last message, or nil when nothing did.
    mutating func message(for state: DashboardState) -> [UInt8]? {
        guard state.version != version else { return nil }
        version = state.version
        var message = Message(version: state.version, rowsVersion: state.rowsVersion,
                              running: state.curves.map(\.trial), curves: [])
        if state.progressVersion != progress {
            message.sweep = state.sweep
            message.progress = state.progress
            progress = state.progressVersion
        }
        if state.levelsVersion != levels {
            message.levels = state.levels
            levels = state.levelsVersion
        }
        if state.workersVersion != workers {
            message.workers = state.workers
            workers = state.workersVersion
        }
        if state.problemsVersion != problems {
            message.failures = state.failures
            message.dropped = state.dropped
            problems = state.problemsVersion
        }
        var changed = message.progress != nil || message.levels != nil || message.workers != nil
            || message.failures != nil || state.rowsVersion != rows
        rows = state.rowsVersion
        var sent: [String: (attempt: Int, count: Int)] = [:]
        for curve in state.curves {
            var from = 0
            if let known = curves[curve.trial], known.attempt == curve.attempt, known.count <= curve.points.count {
                from = known.count
            }
            if from < curve.points.count || curves[curve.trial] == nil {
                message.curves.append(CurvePart(trial: curve.trial, level: curve.level, branch: curve.branch,
                                                attempt: curve.attempt, from: from, points: Array(curve.points[from...])))
                changed = true
            }
            sent[curve.trial] = (curve.attempt, curve.points.count)
        }
        if sent.count != curves.count || sent.keys.contains(where: { curves[$0] == nil }) { changed = true }
        curves = sent
        guard changed, let data = try? Router.encoder.encode(message) else { return nil }
        return Array(data)
    }
}
