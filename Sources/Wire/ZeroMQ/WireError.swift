/// Something libzmq, or this module's use of it, refused.
///
/// A libzmq failure carries its `errno` code and libzmq's own text for it
/// (`zmq_strerror`), captured once, where the C call returned. Would-block
/// (`EAGAIN`) is never an error: non-blocking calls say it with `nil` or `false`.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        /// A libzmq call failed with this errno.
        case library(code: Int32)
        /// The socket was closed by this process before the call.
        case socketClosed
        /// A value the caller passed can't be used (a malformed key, an empty message).
        case invalidArgument
        /// A `SocketThread` was asked about a socket it does not own.
        case unknownSocket
        /// A `SocketThread` has more messages waiting for one socket than it keeps.
        case queueFull
        /// A ROUTER peer's queue is full: it is not reading.
        case peerQueueFull
        /// A `SocketThread` has stopped.
        case stopped
    }

    private let kind: Kind
    /// The call or step that failed, such as `zmq_bind(tcp://127.0.0.1:x)`.
    public let operation: String
    /// What went wrong, in words: `zmq_strerror`'s text for libzmq failures.
    public let text: String

    private init(kind: Kind, operation: String, text: String) {
        self.kind = kind
        self.operation = operation
        self.text = text
    }

    /// A libzmq failure; `text` is `zmq_strerror(code)`.
    static func library(code: Int32, text: String, operation: String) -> WireError {
        WireError(kind: .library(code: code), operation: operation, text: text)
    }

    static func socketClosed(_ operation: String) -> WireError {
        WireError(kind: .socketClosed, operation: operation, text: "the socket is closed")
    }

    static func invalidArgument(_ operation: String, _ text: String) -> WireError {
        WireError(kind: .invalidArgument, operation: operation, text: text)
    }

    static func unknownSocket(_ id: SocketID) -> WireError {
        WireError(kind: .unknownSocket, operation: "send on \(id)", text: "the socket thread owns no socket named \(id)")
    }

    static func queueFull(_ id: SocketID, limit: Int) -> WireError {
        WireError(kind: .queueFull, operation: "send on \(id)",
                  text: "\(limit) messages are already waiting to be sent on \(id); this one was dropped")
    }

    static func peerQueueFull(_ id: SocketID) -> WireError {
        WireError(kind: .peerQueueFull, operation: "send on \(id)",
                  text: "the peer's queue is full (it is not reading); the message was dropped")
    }

    static func stopped(_ operation: String) -> WireError {
        WireError(kind: .stopped, operation: operation, text: "the socket thread has stopped")
    }

    /// The `errno` value libzmq reported, or nil when the failure did not come from libzmq.
    public var code: Int32? {
        if case .library(let code) = kind { code } else { nil }
    }

    /// True when the context was terminated (`ETERM`): the socket can only be closed now.
    public var isContextTerminated: Bool { code == LibZMQ.contextTerminatedCode }

    /// True when a ROUTER with `routerMandatory` could not route to the peer (`EHOSTUNREACH`):
    /// the peer is not connected, or no longer.
    public var isPeerUnreachable: Bool { code == LibZMQ.hostUnreachableCode }

    /// True when a message was dropped because its ROUTER peer's queue was full
    /// (the peer is connected but not reading).
    public var isPeerQueueFull: Bool { kind == .peerQueueFull }

    /// True when the operation was refused because the socket was already closed.
    public var isSocketClosed: Bool { kind == .socketClosed }

    public var description: String {
        if let code { "\(operation): \(text) (errno \(code))" } else { "\(operation): \(text)" }
    }
}
