/// libzmq's authentication hook (ZAP, RFC 27): when a socket of a context has a REP
/// socket bound at `inproc://zeromq.zap.01`, every CURVE handshake on the context's
/// server sockets is put to it, and the client is let in only on a "200" reply.
///
/// Add `SocketSpec.zapHandler(…)` to a `SocketThread` *before* the CURVE server socket,
/// so the handler is bound when the first client arrives. Without a handler, a CURVE
/// server accepts any client that knows its public key.
extension SocketSpec {
    /// Where libzmq looks for the ZAP handler of a context.
    public static let zapEndpoint = "inproc://zeromq.zap.01"

    /// A ZAP handler that lets in CURVE clients whose long-term public key `authorize`
    /// accepts, and turns away everything else (other mechanisms included). It runs on
    /// the socket thread; `authorize` must be quick (a set lookup).
    public static func zapHandler(id: SocketID = "zap",
                                  authorize: @escaping @Sendable (CurveKey) -> Bool) -> SocketSpec {
        SocketSpec(id, .reply, options: [.linger(.zero)], bind: [zapEndpoint]) { request in
            .reply(ZAPRequest.reply(to: request, authorize: authorize))
        }
    }
}

/// One ZAP request: version, request id, domain, address, routing id, mechanism,
/// credentials (for CURVE, the client's 32-byte public key).
enum ZAPRequest {
    static func reply(to request: [[UInt8]], authorize: (CurveKey) -> Bool) -> [[UInt8]] {
        let requestID = request.count > 1 ? request[1] : []
        func answer(_ status: String, _ text: String, user: String = "") -> [[UInt8]] {
            // version, request id, status code, status text, user id, metadata
            [Array("1.0".utf8), requestID, Array(status.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        guard request.count >= 6, request[0] == Array("1.0".utf8) else {
            return answer("500", "malformed ZAP request")
        }
        guard request[5] == Array("CURVE".utf8), request.count == 7, let key = CurveKey(bytes: request[6]) else {
            return answer("400", "only CURVE clients are accepted")
        }
        guard authorize(key) else { return answer("400", "key not authorized") }
        return answer("200", "OK", user: key.z85)
    }
}
