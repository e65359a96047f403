/// A socket for a `SocketThread` to make and own: its type, options, endpoints, and what
/// the thread does with each message it receives.
public struct SocketSpec: Sendable {
    /// What the socket thread does with a received message.
    public enum Handling: Sendable {
        /// Deliver it on `SocketThread.events` (the usual case).
        case forward
        /// Send these frames back on the same socket, right away, on the socket thread
        /// (answers that need no one else, such as ZAP replies).
        case reply([[UInt8]])
        /// Drop it.
        case drop
    }

    public var id: SocketID
    public var type: SocketType
    /// Set in order, before binding and connecting.
    public var options: [SocketOption]
    /// Endpoints to bind, in order; wildcard ports are read back in `SocketThread.endpoints`.
    public var bind: [String]
    public var connect: [String]
    /// Connection events to report as `SocketEvent.connection` (libzmq's socket monitor);
    /// empty for none.
    public var monitor: ConnectionEvents
    /// Runs on the socket thread for every message received on this socket. It must be
    /// quick: the thread serves every socket.
    public var handler: @Sendable ([[UInt8]]) -> Handling

    public init(_ id: SocketID, _ type: SocketType, options: [SocketOption] = [],
                bind: [String] = [], connect: [String] = [], monitor: ConnectionEvents = [],
                handler: @escaping @Sendable ([[UInt8]]) -> Handling = { _ in .forward }) {
        self.id = id
        self.type = type
        self.options = options
        self.bind = bind
        self.connect = connect
        self.monitor = monitor
        self.handler = handler
    }
}
