/// What a `SocketThread` reports on its `events` stream.
public enum SocketEvent: Sendable {
    /// A message received on a socket whose handler forwards.
    case message(SocketID, [[UInt8]])
    /// A message that could not be sent and was dropped, with why: a ROUTER with
    /// `routerMandatory` finds its peer gone (`isPeerUnreachable`) or not reading
    /// (`isPeerQueueFull`), more than `maxQueuedPerSocket` messages wait for the socket,
    /// or the socket thread owns no socket of that name.
    case undeliverable(SocketID, [[UInt8]], WireError)
    /// The socket thread met an error it cannot go on from; the stream ends after this.
    case failed(WireError)
}
