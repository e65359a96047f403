import CZeroMQ

/// The socket patterns this project uses.
public struct SocketType: Hashable, Sendable, CustomStringConvertible {
    let rawValue: Int32
    public let description: String

    private init(_ rawValue: Int32, _ name: String) {
        self.rawValue = rawValue
        self.description = name
    }

    /// Routes by peer: receives `[routing id, frames…]`, sends to the peer named by the first frame.
    public static let router = SocketType(ZMQ_ROUTER, "ROUTER")
    /// Talks to a ROUTER without envelopes; its routing id is its name there.
    public static let dealer = SocketType(ZMQ_DEALER, "DEALER")
    /// Exactly one peer; used over `inproc://` to wake a polling thread.
    public static let pair = SocketType(ZMQ_PAIR, "PAIR")
    /// Strict request then reply; only for libzmq's ZAP authentication handler.
    public static let reply = SocketType(ZMQ_REP, "REP")
    /// Strict request then reply; the other end of `reply`.
    public static let request = SocketType(ZMQ_REQ, "REQ")
}
