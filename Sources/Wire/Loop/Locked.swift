import Foundation

/// A value behind a lock, for state that threads share.
///
/// `@unchecked Sendable` because every access to `value` goes through `withLock`.
/// (`Synchronization.Mutex` would say this itself, but needs macOS 15.)
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
