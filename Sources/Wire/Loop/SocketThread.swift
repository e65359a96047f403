import Dispatch
import Foundation
import Synchronization

/// One dedicated thread that owns every ZeroMQ socket of a process and loops on `zmq_poll`.
///
/// Async code talks to it two ways: what the sockets receive arrives on `events` (an
/// `AsyncStream`), and `send(_:on:)` puts a message in a locked outbox and wakes the
/// thread through an `inproc://` PAIR socket. The sockets themselves never leave the
/// thread: it makes them from `SocketSpec`s, and closes them when it stops.
///
/// ```swift
/// let workers: SocketID = "workers"
/// let wire = try SocketThread(context: context, sockets: [
///     SocketSpec(workers, .router, options: [.routerMandatory(true)], bind: ["tcp://0.0.0.0:5555"]),
/// ])
/// for await event in wire.events {
///     if case .message(workers, let frames) = event { … wire.send(reply, on: workers) }
/// }
/// ```
///
/// Sending never blocks the caller. A message a DEALER (or PAIR, REQ, REP) can't take
/// yet waits in the thread, up to `maxQueuedPerSocket` messages per socket, and is
/// retried; a ROUTER drops a message for a peer whose queue is full instead, so one slow
/// peer never holds up the others. Dropped messages come back as `undeliverable` events.
///
/// `init` waits (briefly, on the calling thread) until the sockets are bound and connected.
public final class SocketThread: Sendable {
    /// What the sockets received, and sends that failed. Ends when the thread stops.
    /// It buffers without limit: keep reading it.
    public let events: AsyncStream<SocketEvent>
    /// The endpoint each socket last bound (wildcard ports resolved), by socket.
    public let endpoints: [SocketID: String]
    /// The sockets this thread owns.
    public let socketIDs: Set<SocketID>

    private let mailbox: Mailbox
    private let exit: ExitSignal

    /// Starts the thread and makes, configures, binds and connects `sockets` on it, in
    /// order; returns once they are ready, or throws the first error (and the thread ends).
    ///
    /// - Parameters:
    ///   - name: the thread's name, as debuggers and `top -H` show it.
    ///   - maxQueuedPerSocket: messages kept per socket while it can't send; more are
    ///     reported `undeliverable`.
    public init(context: ZMQContext, name: String = "wire", sockets: [SocketSpec],
                maxQueuedPerSocket: Int = 10_000) throws(WireError) {
        var ids = Set<SocketID>()
        for spec in sockets {
            guard ids.insert(spec.id).inserted else {
                throw .invalidArgument("SocketThread", "two sockets are named \(spec.id)")
            }
        }
        let wakeEndpoint = "inproc://lottery.socket-thread.\(UInt64.random(in: 0 ... .max))"
        let wakeSender = try Socket(.pair, context: context)
        try wakeSender.connect(wakeEndpoint)

        let (events, continuation) = AsyncStream<SocketEvent>.makeStream()
        let mailbox = Mailbox(wakeSender: wakeSender)
        let exit = ExitSignal()
        let setUp = SetUpReport()
        let thread = Thread {
            let loop: SocketLoop
            do throws(WireError) {
                loop = try SocketLoop(context: context, wakeEndpoint: wakeEndpoint, specs: sockets,
                                      maxQueuedPerSocket: maxQueuedPerSocket,
                                      mailbox: mailbox, continuation: continuation)
            } catch {
                continuation.finish()
                setUp.report(.failure(error))
                exit.signal()
                return
            }
            setUp.report(.success(loop.endpoints))
            loop.run()
            exit.signal()
        }
        thread.name = name
        thread.start()

        switch setUp.wait() {
        case .success(let endpoints):
            self.endpoints = endpoints
        case .failure(let error):
            mailbox.close()
            throw error
        }
        self.events = events
        self.socketIDs = ids
        self.mailbox = mailbox
        self.exit = exit
    }

    deinit {
        mailbox.requestStop()
    }

    /// Queues `frames` to be sent on the socket `socket`. Returns at once; false when the
    /// thread has stopped. (For a ROUTER the first frame is the peer's routing id.)
    @discardableResult
    public func send(_ frames: [[UInt8]], on socket: SocketID) -> Bool {
        mailbox.post(frames, to: socket)
    }

    /// Asks the thread to stop: it sends what it can without waiting, closes its sockets
    /// (each keeps its `linger` time for what is left) and ends `events`.
    public func requestStop() {
        mailbox.requestStop()
    }

    /// Stops the thread and waits until it has.
    public func stop() async {
        mailbox.requestStop()
        await exit.wait()
    }

    /// True once the thread has ended.
    public var hasStopped: Bool { exit.isSignalled }
}

/// The outbox the thread's users fill and the thread empties.
///
/// `@unchecked Sendable`: the state is only touched under `lock`. `wakeSender` is a socket
/// used from many threads, but only ever by one at a time under the lock, whose
/// acquire/release is the full memory barrier libzmq requires for moving a socket
/// between threads.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var outbox: [(SocketID, [[UInt8]])] = []
    private var stopRequested = false
    private var wakePending = false
    private var wakeSender: Socket?

    init(wakeSender: Socket) {
        self.wakeSender = wakeSender
    }

    func post(_ frames: [[UInt8]], to socket: SocketID) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !stopRequested else { return false }
        outbox.append((socket, frames))
        wake()
        return true
    }

    func requestStop() {
        lock.lock()
        defer { lock.unlock() }
        stopRequested = true
        wake()
    }

    /// Everything posted since the last call, and whether to stop. Called by the thread.
    func take() -> (messages: [(SocketID, [[UInt8]])], stop: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let messages = outbox
        outbox = []
        wakePending = false
        return (messages, stopRequested)
    }

    /// Stops taking messages and closes the wake socket. Called as the thread ends.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        stopRequested = true
        outbox = []
        wakeSender?.close()
        wakeSender = nil
    }

    /// One wake byte per batch of posts: the thread clears `wakePending` when it takes them.
    private func wake() {
        guard !wakePending, let wakeSender else { return }
        wakePending = true
        // If this fails the thread is ending anyway (its context is terminating).
        _ = try? wakeSender.trySend([[]])
    }
}

/// The thread's set-up result, handed back to `init` waiting on another thread.
private final class SetUpReport: @unchecked Sendable {
    // Written once by the socket thread before `signal`, read by `init` after `wait`:
    // the semaphore orders the two.
    private var result: Result<[SocketID: String], WireError>?
    private let ready = DispatchSemaphore(value: 0)

    func report(_ result: Result<[SocketID: String], WireError>) {
        self.result = result
        ready.signal()
    }

    func wait() -> Result<[SocketID: String], WireError> {
        ready.wait()
        return result ?? .failure(.stopped("SocketThread set-up"))
    }
}

/// Set when the thread has ended; `wait` returns then.
private final class ExitSignal: Sendable {
    private let state = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    var isSignalled: Bool { state.withLock { $0.done } }

    func signal() {
        let waiters = state.withLock { state in
            state.done = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }
}
