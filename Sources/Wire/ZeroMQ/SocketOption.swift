import CZeroMQ

/// A socket option with its value, for `Socket.set(_:)`:
/// `try socket.set(.linger(.zero))`, `try socket.set(.routerMandatory(true))`.
public struct SocketOption: Sendable, CustomStringConvertible {
    enum Value: Sendable {
        case int32(Int32)
        case int64(Int64)
        case bytes([UInt8])
    }

    let code: Int32
    let name: String
    let value: Value

    private init(_ code: Int32, _ name: String, _ value: Value) {
        self.code = code
        self.name = name
        self.value = value
    }

    public var description: String { name }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        if milliseconds.overflow { return seconds < 0 ? Int32.min : Int32.max }
        return Int32(clamping: milliseconds.partialValue + attoseconds / 1_000_000_000_000_000)
    }

    private static func flag(_ on: Bool) -> Value { .int32(on ? 1 : 0) }

    // MARK: every socket

    /// How long `close` keeps trying to deliver unsent messages; nil = until delivered.
    /// Sockets of a `ZMQContext` start at zero.
    public static func linger(_ duration: Duration?) -> SocketOption {
        SocketOption(ZMQ_LINGER, "linger", .int32(duration.map(milliseconds) ?? -1))
    }

    /// Messages queued per peer for sending before `trySend` says it would block (0 = no limit).
    public static func sendHighWaterMark(_ messages: Int) -> SocketOption {
        SocketOption(ZMQ_SNDHWM, "sndhwm", .int32(Int32(clamping: messages)))
    }

    /// Messages queued per peer on receipt before libzmq stops reading from it (0 = no limit).
    public static func receiveHighWaterMark(_ messages: Int) -> SocketOption {
        SocketOption(ZMQ_RCVHWM, "rcvhwm", .int32(Int32(clamping: messages)))
    }

    /// Connections a listening socket lets wait to be accepted (the `listen(2)` backlog;
    /// libzmq's default is 100, too few for thousands of workers starting at once).
    public static func backlog(_ connections: Int) -> SocketOption {
        SocketOption(ZMQ_BACKLOG, "backlog", .int32(Int32(clamping: connections)))
    }

    /// The largest frame accepted from a peer, in bytes; a peer that sends a larger one is
    /// disconnected. Nil = no limit.
    public static func maxMessageSize(_ bytes: Int?) -> SocketOption {
        SocketOption(ZMQ_MAXMSGSIZE, "maxmsgsize", .int64(bytes.map { Int64($0) } ?? -1))
    }

    /// Wait before reconnecting a lost or refused connection.
    public static func reconnectInterval(_ duration: Duration) -> SocketOption {
        SocketOption(ZMQ_RECONNECT_IVL, "reconnect_ivl", .int32(milliseconds(duration)))
    }

    /// Upper bound of the reconnect wait, which doubles from `reconnectInterval` after
    /// each failure; nil = no back-off.
    public static func reconnectIntervalMax(_ duration: Duration?) -> SocketOption {
        SocketOption(ZMQ_RECONNECT_IVL_MAX, "reconnect_ivl_max", .int32(duration.map(milliseconds) ?? 0))
    }

    /// Queue messages only to completed connections: a DEALER with none would block
    /// rather than queue for a peer that may never come.
    public static func immediate(_ on: Bool) -> SocketOption {
        SocketOption(ZMQ_IMMEDIATE, "immediate", flag(on))
    }

    /// ZMTP-level pings on each connection this often (0 = off); a connection whose peer
    /// is silent for `heartbeatTimeout` is dropped (and a DEALER reconnects).
    public static func heartbeatInterval(_ duration: Duration) -> SocketOption {
        SocketOption(ZMQ_HEARTBEAT_IVL, "heartbeat_ivl", .int32(milliseconds(duration)))
    }

    /// How long the peer should wait for the next ZMTP ping before dropping this connection.
    public static func heartbeatTTL(_ duration: Duration) -> SocketOption {
        SocketOption(ZMQ_HEARTBEAT_TTL, "heartbeat_ttl", .int32(milliseconds(duration)))
    }

    /// How long to wait for any traffic after sending a ZMTP ping before dropping the connection.
    public static func heartbeatTimeout(_ duration: Duration) -> SocketOption {
        SocketOption(ZMQ_HEARTBEAT_TIMEOUT, "heartbeat_timeout", .int32(milliseconds(duration)))
    }

    // MARK: ROUTER and DEALER

    /// This socket's name at the ROUTER it connects to (1–255 bytes, not starting with 0).
    /// Set before `connect`.
    public static func routingID(_ id: [UInt8]) -> SocketOption {
        SocketOption(ZMQ_ROUTING_ID, "routing_id", .bytes(id))
    }

    public static func routingID(_ id: String) -> SocketOption {
        routingID(Array(id.utf8))
    }

    /// A ROUTER fails a send to an unknown or gone peer (`isPeerUnreachable`) instead of
    /// dropping it silently, and blocks rather than drops when that peer's queue is full.
    public static func routerMandatory(_ on: Bool) -> SocketOption {
        SocketOption(ZMQ_ROUTER_MANDATORY, "router_mandatory", flag(on))
    }

    /// A ROUTER gives a routing id that is already connected to the new connection
    /// (a reconnecting worker) instead of refusing the newcomer.
    public static func routerHandover(_ on: Bool) -> SocketOption {
        SocketOption(ZMQ_ROUTER_HANDOVER, "router_handover", flag(on))
    }

    // MARK: CURVE security

    /// This socket is the CURVE server (it needs `curveSecretKey`; clients need its public key).
    public static func curveServer(_ on: Bool) -> SocketOption {
        SocketOption(ZMQ_CURVE_SERVER, "curve_server", flag(on))
    }

    /// This socket's long-term public key (clients; servers only need the secret key).
    public static func curvePublicKey(_ key: CurveKey) -> SocketOption {
        SocketOption(ZMQ_CURVE_PUBLICKEY, "curve_publickey", .bytes(Array(key.z85.utf8)))
    }

    /// This socket's long-term secret key.
    public static func curveSecretKey(_ key: CurveKey) -> SocketOption {
        SocketOption(ZMQ_CURVE_SECRETKEY, "curve_secretkey", .bytes(Array(key.z85.utf8)))
    }

    /// The public key of the server a client connects to. Set before `connect`.
    public static func curveServerKey(_ key: CurveKey) -> SocketOption {
        SocketOption(ZMQ_CURVE_SERVERKEY, "curve_serverkey", .bytes(Array(key.z85.utf8)))
    }

    /// The domain passed to the ZAP handler (see `SocketSpec.zapHandler`) for connections to this socket.
    public static func zapDomain(_ domain: String) -> SocketOption {
        SocketOption(ZMQ_ZAP_DOMAIN, "zap_domain", .bytes(Array(domain.utf8)))
    }
}

extension Socket {
    /// Sets one option. Most take effect for connections made afterwards: set them before
    /// `bind` or `connect`.
    public func set(_ option: SocketOption) throws(WireError) {
        let handle = try liveHandle("set \(option.name)")
        let result: Result<Void, WireError>
        switch option.value {
        case .int32(let value):
            result = withUnsafeBytes(of: value) { Self.set(handle, option, $0) }
        case .int64(let value):
            result = withUnsafeBytes(of: value) { Self.set(handle, option, $0) }
        case .bytes(let value):
            result = value.withUnsafeBytes { Self.set(handle, option, $0) }
        }
        try result.get()
    }

    private static func set(_ handle: LibZMQ.Handle, _ option: SocketOption,
                            _ bytes: UnsafeRawBufferPointer) -> Result<Void, WireError> {
        do throws(WireError) {
            try LibZMQ.setOption(handle, option.code, bytes, name: option.name)
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    private func bytesOption(_ code: Int32, _ name: String, capacity: Int) throws(WireError) -> [UInt8] {
        let handle = try liveHandle("get \(name)")
        var buffer = [UInt8](repeating: 0, count: capacity)
        let result: Result<Int, WireError> = buffer.withUnsafeMutableBytes { bytes in
            do throws(WireError) {
                return .success(try LibZMQ.option(handle, code, into: bytes, name: name))
            } catch {
                return .failure(error)
            }
        }
        return Array(buffer.prefix(try result.get()))
    }

    private func intOption(_ code: Int32, _ name: String) throws(WireError) -> Int32 {
        let bytes = try bytesOption(code, name, capacity: MemoryLayout<Int32>.size)
        guard bytes.count == MemoryLayout<Int32>.size else {
            throw .invalidArgument("get \(name)", "libzmq returned \(bytes.count) bytes for a 4-byte integer option")
        }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
    }

    /// The endpoint last bound or connected, with a wildcard port resolved:
    /// `tcp://127.0.0.1:*` reads back as `tcp://127.0.0.1:41234`.
    public var lastEndpoint: String {
        get throws(WireError) {
            let bytes = try bytesOption(ZMQ_LAST_ENDPOINT, "last_endpoint", capacity: 1024)
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// This socket's routing id (empty when none was set).
    public var routingID: [UInt8] {
        get throws(WireError) { try bytesOption(ZMQ_ROUTING_ID, "routing_id", capacity: 256) }
    }

    /// The linger time; nil = forever.
    public var linger: Duration? {
        get throws(WireError) {
            let milliseconds = try intOption(ZMQ_LINGER, "linger")
            return milliseconds < 0 ? nil : .milliseconds(milliseconds)
        }
    }
}
