#if canImport(Glibc)
import Glibc
#endif

/// A pointer-sized value each thread holds for itself (a pthread key): what the training
/// path reads per call without another thread's trial seeing it. Empty (nil) on a thread
/// that never set it.
struct ThreadSlot: @unchecked Sendable {
    // @unchecked: a pthread key is an integer, the same for every thread; the values are per thread.
    private let key: pthread_key_t

    init() {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        self.key = key
    }

    var value: UnsafeMutableRawPointer? { pthread_getspecific(key) }

    /// Runs `body` with this thread's value set to `value`, then puts the old one back.
    func with<T>(_ value: UnsafeRawPointer?, _ body: () throws -> T) rethrows -> T {
        let saved = pthread_getspecific(key)
        pthread_setspecific(key, value)
        defer { pthread_setspecific(key, saved) }
        return try body()
    }
}
