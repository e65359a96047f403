import CZeroMQ

/// What happened to one of a socket's connections, as libzmq's socket monitor reports it
/// (`zmq_socket_monitor`); a `SocketSpec` with `monitor` set delivers these as
/// `SocketEvent.connection`.
///
/// Chiefly the outcome of the security handshake, which is otherwise invisible: a CURVE
/// client whose key the server's ZAP handler refuses is sent a ZMTP `ERROR`, and libzmq
/// then drops the connection for good, without a reconnect and without a word to the
/// socket's user.
public enum ConnectionEvent: Hashable, Sendable, CustomStringConvertible {
    /// A connection was made (the handshake comes next).
    case connected(endpoint: String)
    /// A connection attempt failed (nothing listens there yet); libzmq tries again.
    case connectRetried(endpoint: String)
    /// A connection ended.
    case disconnected(endpoint: String)
    /// The ZMTP and security handshake completed: messages can flow.
    case handshakeSucceeded(endpoint: String)
    /// The peer refused this side's credentials with this ZAP status code (400: not
    /// authorized; 300: try later; 500: the handler failed). libzmq does not reconnect.
    case authenticationFailed(endpoint: String, status: Int)
    /// The handshake broke the rules of ZMTP or of the security mechanism. libzmq does not
    /// reconnect.
    case protocolFailed(endpoint: String, HandshakeError)
    /// The handshake ended without a reason given (the peer closed the connection);
    /// `errno` is the local error. libzmq reconnects.
    case handshakeFailed(endpoint: String, errno: Int32)

    /// The connection's endpoint, such as `tcp://127.0.0.1:5555`.
    public var endpoint: String {
        switch self {
        case .connected(let endpoint), .connectRetried(let endpoint), .disconnected(let endpoint),
             .handshakeSucceeded(let endpoint), .authenticationFailed(let endpoint, _),
             .protocolFailed(let endpoint, _), .handshakeFailed(let endpoint, _):
            endpoint
        }
    }

    public var description: String {
        switch self {
        case .connected(let endpoint): "connected to \(endpoint)"
        case .connectRetried(let endpoint): "could not connect to \(endpoint) yet"
        case .disconnected(let endpoint): "disconnected from \(endpoint)"
        case .handshakeSucceeded(let endpoint): "handshake with \(endpoint) done"
        case .authenticationFailed(let endpoint, let status): "\(endpoint) refused this side's credentials (ZAP status \(status))"
        case .protocolFailed(let endpoint, let error): "the handshake with \(endpoint) failed: \(error)"
        case .handshakeFailed(let endpoint, let errno):
            "the handshake with \(endpoint) failed: the connection ended (\(LibZMQ.errorText(errno)))"
        }
    }

    /// The event of a monitor message: its first frame holds the event (16 bits) and a
    /// value (32 bits) in the machine's byte order, its second the endpoint. Nil for a
    /// malformed message or an event this type does not cover.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let (event, value) = frames[0].withUnsafeBytes {
            ($0.loadUnaligned(as: UInt16.self), $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        }
        let endpoint = String(decoding: frames[1], as: UTF8.self)
        switch Int32(event) {
        case ZMQ_EVENT_CONNECTED: self = .connected(endpoint: endpoint)
        case ZMQ_EVENT_CONNECT_RETRIED: self = .connectRetried(endpoint: endpoint)
        case ZMQ_EVENT_DISCONNECTED: self = .disconnected(endpoint: endpoint)
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: self = .handshakeSucceeded(endpoint: endpoint)
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: self = .authenticationFailed(endpoint: endpoint, status: Int(value))
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
            self = .protocolFailed(endpoint: endpoint, HandshakeError(code: Int32(bitPattern: value)))
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: self = .handshakeFailed(endpoint: endpoint, errno: Int32(bitPattern: value))
        default: return nil
        }
    }
}

/// The events a socket monitor reports, for `SocketSpec.monitor`.
public struct ConnectionEvents: OptionSet, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `connected`, `connectRetried`, `disconnected`.
    public static let connections = ConnectionEvents(rawValue: ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_DISCONNECTED)
    /// `handshakeSucceeded` and the three ways a handshake fails.
    public static let handshakes = ConnectionEvents(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
        | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
}

/// Why a ZMTP handshake broke off (`ZMQ_PROTOCOL_ERROR_*`).
public struct HandshakeError: Hashable, Sendable, CustomStringConvertible {
    public let code: Int32

    /// One side uses a security mechanism (CURVE) and the other another (none).
    public var isMechanismMismatch: Bool { code == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH }

    public var description: String {
        switch code {
        case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
            "the two sides use different security mechanisms (CURVE on one side only)"
        case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: "a cryptographic check failed (keys that do not belong together)"
        case ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE: "the key exchange failed"
        case ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED ... ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA:
            "the authentication handler's reply was malformed (ZMTP error 0x\(String(code, radix: 16)))"
        default: "ZMTP protocol error 0x\(String(UInt32(bitPattern: code), radix: 16))"
        }
    }
}
