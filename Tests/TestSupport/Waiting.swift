import Foundation

// Swift's concurrency pool has as many threads as the machine has cores: two here.
// A test that computes for tens of seconds on one of them holds it that long, and
// the tests that wait on processes and sockets (whose deadlines are wall-clock
// time) wake late. These two helpers keep both kinds honest.

/// Runs `body` on a thread of its own and waits for it without holding one of the
/// concurrency pool's threads: for a test that trains or fuzzes for seconds.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Asks `probe` every `interval` until it gives a value, for at most `timeout`; nil
/// if it never did. It always asks once more after waking past the deadline, so a
/// test kept waiting by a busy pool does not miss what already happened.
public func poll<T>(timeout: Duration, every interval: Duration = .milliseconds(50),
                    _ probe: () async throws -> T?) async throws -> T? {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        if ContinuousClock.now >= deadline { return nil }
        try await Task.sleep(for: interval)
    }
}
