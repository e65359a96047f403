import CZeroMQ

/// A libzmq context: the I/O threads and the `inproc://` namespace that sockets share.
///
/// `@unchecked Sendable` because libzmq documents contexts as thread-safe: any thread may
/// create sockets on one or shut it down. (Sockets are another matter; see `Socket`.)
/// The handle is set once in `init` and freed in `deinit`, after the last socket that
/// holds a reference to the context is gone.
public final class ZMQContext: @unchecked Sendable {
    let handle: LibZMQ.Handle

    /// - Parameters:
    ///   - ioThreads: libzmq's I/O threads; one is plenty below a gigabyte a second.
    ///   - maxSockets: sockets the context may hold at once (libzmq's default is 1,023).
    public init(ioThreads: Int = 1, maxSockets: Int? = nil) throws(WireError) {
        let handle = try LibZMQ.newContext()
        do {
            try LibZMQ.setContextOption(handle, ZMQ_IO_THREADS, Int32(clamping: ioThreads))
            if let maxSockets { try LibZMQ.setContextOption(handle, ZMQ_MAX_SOCKETS, Int32(clamping: maxSockets)) }
            // Not "blocky": sockets default to a linger of 0 and terminating the context
            // never hangs on messages a dead peer will not take.
            try LibZMQ.setContextOption(handle, ZMQ_BLOCKY, 0)
        } catch {
            LibZMQ.terminateContext(handle)
            throw error
        }
        self.handle = handle
    }

    /// Makes every blocking call on this context's sockets fail with `isContextTerminated`;
    /// the sockets must still be closed. Safe from any thread.
    public func shutdown() {
        LibZMQ.shutdownContext(handle)
    }

    deinit {
        LibZMQ.terminateContext(handle)
    }

    /// libzmq's version, such as (4, 3, 4).
    public static var libraryVersion: (major: Int, minor: Int, patch: Int) { LibZMQ.version() }

    /// True when libzmq was built with CURVE security (`zmq_has("curve")`).
    public static var supportsCurve: Bool { LibZMQ.has("curve") }
}
