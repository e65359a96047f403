/// The part of a `SocketThread` that lives on the thread: its sockets, the messages
/// waiting for them, and the poll loop. Made, run and dropped on that one thread.
final class SocketLoop {
    private struct Entry {
        let id: SocketID
        let socket: Socket
        let handler: @Sendable ([[UInt8]]) -> SocketSpec.Handling
        /// Messages the socket could not take yet, oldest first from `head`.
        var queue: [[[UInt8]]] = []
        var head = 0

        var hasQueued: Bool { head < queue.count }
    }

    /// How many messages one socket may deliver per turn of the loop, so that a busy
    /// socket can't starve the others or the outbox.
    private static let receiveBatch = 256
    /// How often to retry sockets with queued messages, in case a socket becomes
    /// writable without poll saying so.
    private static let retryInterval: Duration = .milliseconds(5)

    /// The PAIR socket a monitored socket's events arrive on.
    private struct Monitor {
        let id: SocketID
        let socket: Socket
    }

    private let wakeReceiver: Socket
    private var entries: [Entry] = []
    private var monitors: [Monitor] = []
    private let indexByID: [SocketID: Int]
    private let maxQueuedPerSocket: Int
    private let mailbox: Mailbox
    private let continuation: AsyncStream<SocketEvent>.Continuation
    private(set) var endpoints: [SocketID: String] = [:]

    init(context: ZMQContext, wakeEndpoint: String, specs: [SocketSpec], maxQueuedPerSocket: Int,
         mailbox: Mailbox, continuation: AsyncStream<SocketEvent>.Continuation) throws(WireError) {
        self.mailbox = mailbox
        self.continuation = continuation
        self.maxQueuedPerSocket = max(1, maxQueuedPerSocket)
        wakeReceiver = try Socket(.pair, context: context)
        try wakeReceiver.bind(wakeEndpoint)
        var indexByID: [SocketID: Int] = [:]
        for spec in specs {
            let socket = try Socket(spec.type, context: context)
            for option in spec.options { try socket.set(option) }
            if !spec.monitor.isEmpty {
                // Before connecting, so that the first connection's events are not missed.
                let endpoint = "inproc://lottery.monitor.\(spec.id).\(UInt64.random(in: 0 ... .max))"
                try socket.monitor(endpoint, events: spec.monitor)
                let monitor = try Socket(.pair, context: context)
                try monitor.connect(endpoint)
                monitors.append(Monitor(id: spec.id, socket: monitor))
            }
            for endpoint in spec.bind { try socket.bind(endpoint) }
            if !spec.bind.isEmpty { endpoints[spec.id] = try socket.lastEndpoint }
            for endpoint in spec.connect { try socket.connect(endpoint) }
            indexByID[spec.id] = entries.count
            entries.append(Entry(id: spec.id, socket: socket, handler: spec.handler))
        }
        self.indexByID = indexByID
    }

    /// Loops until a stop is requested or the context is terminated, then closes every
    /// socket and ends the event stream.
    func run() {
        defer {
            for entry in entries { entry.socket.close() }
            for monitor in monitors { monitor.socket.close() }
            wakeReceiver.close()
            mailbox.close()
            continuation.finish()
        }
        do throws(WireError) {
            while try turn() {}
        } catch {
            if !error.isContextTerminated { continuation.yield(.failed(error)) }
        }
    }

    /// One turn: wait for something to do, do it. False when the loop should end.
    private func turn() throws(WireError) -> Bool {
        var items = [PollItem(wakeReceiver)]
        var anyQueued = false
        for entry in entries {
            items.append(PollItem(entry.socket, events: entry.hasQueued ? [.readable, .writable] : .readable))
            anyQueued = anyQueued || entry.hasQueued
        }
        for monitor in monitors { items.append(PollItem(monitor.socket)) }
        let found = try Socket.poll(items, timeout: anyQueued ? Self.retryInterval : nil)

        if found[0].contains(.readable) {
            while try wakeReceiver.tryReceive() != nil {}
        }
        let (messages, stop) = mailbox.take()
        for (id, frames) in messages {
            guard let index = indexByID[id] else {
                continuation.yield(.undeliverable(id, frames, .unknownSocket(id)))
                continue
            }
            enqueue(frames, at: index)
        }
        for index in entries.indices where found[index + 1].contains(.readable) {
            try receive(at: index)
        }
        for (index, monitor) in monitors.enumerated() where found[entries.count + 1 + index].contains(.readable) {
            while let frames = try monitor.socket.tryReceive() {
                if let event = ConnectionEvent(frames: frames) { continuation.yield(.connection(monitor.id, event)) }
            }
        }
        for index in entries.indices where entries[index].hasQueued {
            try flush(at: index)
        }
        return !stop
    }

    private func enqueue(_ frames: [[UInt8]], at index: Int) {
        let waiting = entries[index].queue.count - entries[index].head
        guard waiting < maxQueuedPerSocket else {
            let id = entries[index].id
            continuation.yield(.undeliverable(id, frames, .queueFull(id, limit: maxQueuedPerSocket)))
            return
        }
        entries[index].queue.append(frames)
    }

    private func receive(at index: Int) throws(WireError) {
        for _ in 0 ..< Self.receiveBatch {
            // A socket with replies still queued (a REP) must send them before it may receive.
            if entries[index].hasQueued { return }
            guard let frames = try entries[index].socket.tryReceive() else { return }
            switch entries[index].handler(frames) {
            case .forward:
                continuation.yield(.message(entries[index].id, frames))
            case .reply(let reply):
                enqueue(reply, at: index)
                try flush(at: index)
            case .drop:
                break
            }
        }
    }

    /// Sends what waits for one socket, oldest first, until it would block.
    private func flush(at index: Int) throws(WireError) {
        while entries[index].hasQueued {
            let frames = entries[index].queue[entries[index].head]
            do throws(WireError) {
                if try !entries[index].socket.trySend(frames) {
                    // A ROUTER would block on one slow peer: drop that peer's message rather
                    // than hold up every other peer's behind it.
                    guard entries[index].socket.type == .router else { break }
                    continuation.yield(.undeliverable(entries[index].id, frames, .peerQueueFull(entries[index].id)))
                }
            } catch {
                if error.isContextTerminated { throw error }
                continuation.yield(.undeliverable(entries[index].id, frames, error))
            }
            entries[index].head += 1
        }
        if !entries[index].hasQueued {
            entries[index].queue.removeAll(keepingCapacity: true)
            entries[index].head = 0
        } else if entries[index].head > 1024, entries[index].head * 2 > entries[index].queue.count {
            entries[index].queue.removeFirst(entries[index].head)
            entries[index].head = 0
        }
    }
}
