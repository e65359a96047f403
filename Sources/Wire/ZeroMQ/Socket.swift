/// One libzmq socket.
///
/// Not `Sendable`, on purpose: libzmq sockets are not thread-safe, so a socket is made,
/// used and closed by one thread (in this project, a `SocketThread`). The socket keeps
/// its context alive, and closes itself when released.
///
/// A message is a list of frames (`[[UInt8]]`), sent and received whole: a peer gets all
/// of a message's frames or none.
public final class Socket {
    public let type: SocketType
    private var handle: LibZMQ.Handle?
    /// Holds the context open for as long as the socket exists.
    private let context: ZMQContext
    private let message = LibZMQ.MessageBuffer()

    public init(_ type: SocketType, context: ZMQContext) throws(WireError) {
        self.type = type
        self.context = context
        self.handle = try LibZMQ.newSocket(context.handle, type: type.rawValue)
    }

    deinit {
        close()
    }

    /// Closes the socket; what it has not yet sent is kept for the `linger` time. Closing
    /// twice is harmless; any other call after closing throws `isSocketClosed`.
    public func close() {
        guard let handle else { return }
        LibZMQ.close(handle)
        self.handle = nil
    }

    public var isClosed: Bool { handle == nil }

    func liveHandle(_ operation: @autoclosure () -> String) throws(WireError) -> LibZMQ.Handle {
        guard let handle else { throw .socketClosed(operation()) }
        return handle
    }

    // MARK: endpoints

    /// Listens on `endpoint`, such as `tcp://0.0.0.0:5555`, `tcp://127.0.0.1:*` (a free
    /// port; read it back from `lastEndpoint`) or `inproc://name`.
    public func bind(_ endpoint: String) throws(WireError) {
        try LibZMQ.bind(liveHandle("bind"), endpoint)
    }

    public func unbind(_ endpoint: String) throws(WireError) {
        try LibZMQ.unbind(liveHandle("unbind"), endpoint)
    }

    /// Connects to `endpoint`. For TCP this returns at once; libzmq connects, and
    /// reconnects, in the background.
    public func connect(_ endpoint: String) throws(WireError) {
        try LibZMQ.connect(liveHandle("connect"), endpoint)
    }

    public func disconnect(_ endpoint: String) throws(WireError) {
        try LibZMQ.disconnect(liveHandle("disconnect"), endpoint)
    }

    // MARK: messages

    /// Sends a message, waiting while the peer's queue is full (a DEALER also waits
    /// while it has no peer).
    public func send(_ frames: [[UInt8]]) throws(WireError) {
        _ = try send(frames, flags: 0)
    }

    /// Sends a message if that can be done without waiting; false when it would block.
    public func trySend(_ frames: [[UInt8]]) throws(WireError) -> Bool {
        try send(frames, flags: LibZMQ.dontWait)
    }

    private func send(_ frames: [[UInt8]], flags: Int32) throws(WireError) -> Bool {
        let handle = try liveHandle("send")
        guard !frames.isEmpty else { throw .invalidArgument("send", "a message needs at least one frame") }
        for (index, frame) in frames.enumerated() {
            let last = index == frames.count - 1
            let frameFlags = flags | (last ? 0 : LibZMQ.sendMore)
            let result: Result<Bool, WireError> = frame.withUnsafeBytes { bytes in
                do throws(WireError) {
                    return .success(try LibZMQ.send(handle, bytes, flags: frameFlags))
                } catch {
                    return .failure(error)
                }
            }
            let sent = try result.get()
            // libzmq accepts a message whole or not at all: only the first frame can
            // find the queue full.
            if !sent {
                guard index == 0 else { throw .invalidArgument("send", "libzmq refused a frame in the middle of a message") }
                return false
            }
        }
        return true
    }

    /// Receives a message, waiting until one arrives.
    public func receive() throws(WireError) -> [[UInt8]] {
        // A blocking receive only comes back empty-handed by throwing.
        try receive(flags: 0) ?? []
    }

    /// Receives a message if one is waiting; nil otherwise.
    public func tryReceive() throws(WireError) -> [[UInt8]]? {
        try receive(flags: LibZMQ.dontWait)
    }

    private func receive(flags: Int32) throws(WireError) -> [[UInt8]]? {
        let handle = try liveHandle("receive")
        guard let first = try LibZMQ.receive(handle, into: message, flags: flags) else { return nil }
        var frames = [first.frame]
        var more = first.more
        while more {
            // The rest of a message arrives with its first frame, so this never waits.
            guard let next = try LibZMQ.receive(handle, into: message, flags: 0) else { break }
            frames.append(next.frame)
            more = next.more
        }
        return frames
    }
}

@available(*, unavailable, message: "libzmq sockets are not thread-safe; keep each on one thread")
extension Socket: Sendable {}

extension Socket {
    /// Makes libzmq report `events` of this socket's connections on a PAIR socket bound at
    /// `endpoint` (`inproc://…`); connect a `.pair` socket there and read them with
    /// `ConnectionEvent(frames:)`. Call before `connect`, so that no event is missed.
    public func monitor(_ endpoint: String, events: ConnectionEvents) throws(WireError) {
        try LibZMQ.monitor(liveHandle("monitor"), endpoint: endpoint, events: events.rawValue)
    }
}
