import Wire

/// Reads a socket thread's events in a test, with a deadline: a watchdog stops the
/// threads when it passes, which ends their streams, so a missing event fails the test
/// instead of hanging it.
struct EventReader {
    private var iterator: AsyncStream<SocketEvent>.Iterator

    init(_ thread: SocketThread) {
        iterator = thread.events.makeAsyncIterator()
    }

    /// The next message received, skipping nothing else silently: other events are returned too.
    mutating func next() async -> SocketEvent? {
        await iterator.next()
    }

    /// The frames of the next `.message` event, or nil when the stream ended first.
    mutating func nextMessage() async -> (SocketID, [[UInt8]])? {
        while let event = await iterator.next() {
            if case .message(let id, let frames) = event { return (id, frames) }
        }
        return nil
    }
}

/// Stops `threads` after `deadline` unless the test finished first (then cancel it): a
/// bound against a hang, not a target. In the full suite, CPU-bound tests can hold the
/// concurrency pool's two threads for tens of seconds, so an awaiting test may resume late.
func watchdog(_ threads: [SocketThread], after deadline: Duration = .seconds(90)) -> Task<Void, Never> {
    Task {
        try? await Task.sleep(for: deadline)
        if Task.isCancelled { return }
        for thread in threads { thread.requestStop() }
    }
}
