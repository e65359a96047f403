/// What a `SocketThread` reports on its `events` stream.
public enum SocketEvent: Sendable {
    /// A message received on a socket whose handler forwards.
    case message(SocketID, [[UInt8]])
    /// A message that could not be sent and was dropped, with why: a ROUTER with
    /// `routerMandatory` finds its peer gone (`isPeerUnreachable`) or not reading
    /// (`isPeerQueueFull`), more than `maxQueuedPerSocket` messages wait for the socket,
    /// or the socket thread owns no socket of that name.
    case undeliverable(SocketID, [[UInt8]], WireError)
    /// A connection of a socket whose `SocketSpec.monitor` asks for it was made, lost,
    /// or passed or failed its handshake.
    case connection(SocketID, ConnectionEvent)
    /// The socket thread met an error it cannot go on from; the stream ends after this.
    case failed(WireError)
}
