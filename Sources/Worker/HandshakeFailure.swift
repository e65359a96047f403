import Wire

/// Why a worker's connection to its coordinator does not get past the security handshake,
/// in words that say what to change.
enum HandshakeFailure: CustomStringConvertible {
    /// The coordinator's ZAP handler turned this worker's key down.
    case refused(endpoint: String, status: Int, curve: CurveClientKeys?)
    /// The handshake broke the rules: most often CURVE on one side only.
    case protocolError(endpoint: String, HandshakeError, curve: CurveClientKeys?)
    /// The coordinator closed the connection during the handshake, `times` times in a row:
    /// what a CURVE server does with a client that has the wrong server key.
    case brokenOff(endpoint: String, times: Int, curve: CurveClientKeys?)

    var description: String {
        switch self {
        case .refused(let endpoint, let status, let curve):
            guard let curve else {
                return "the coordinator at \(endpoint) refused this worker (ZAP status \(status))"
            }
            let key = curve.keyPair.publicKey.z85
            guard status == 400 else {
                return "the coordinator at \(endpoint) could not check this worker's key \(key.prefix(8))… (ZAP status \(status))"
            }
            let file = curve.publicKeyFile.map { "\($0) (public key \(key))" } ?? "this worker's public key \(key)"
            return "the coordinator at \(endpoint) refused this worker's key \(key.prefix(8))…: add \(file) to the "
                + "coordinator's authorized keys (--authorized-keys) and restart the coordinator, then this worker"
        case .protocolError(let endpoint, let error, let curve):
            guard error.isMechanismMismatch else {
                return "the handshake with the coordinator at \(endpoint) failed: \(error)"
            }
            if curve == nil {
                return "the coordinator at \(endpoint) uses CURVE and this worker does not: give it --key and "
                    + "--coordinator-key (docs/SECURITY.md)"
            }
            return "the coordinator at \(endpoint) does not use CURVE and this worker does: start the coordinator with "
                + "--key and --authorized-keys, or this worker without --key and --coordinator-key"
        case .brokenOff(let endpoint, let times, let curve):
            let count = times == 1 ? "" : " \(times) times in a row"
            guard let curve else {
                // A CURVE coordinator often hangs up on a plain worker before libzmq can
                // report the mechanism mismatch, so say what that would need.
                return "the coordinator at \(endpoint) closed the connection during the handshake\(count): if it uses "
                    + "CURVE, give this worker --key and --coordinator-key (docs/SECURITY.md)"
            }
            return "the coordinator at \(endpoint) closed the connection during the CURVE handshake\(count): is "
                + "--coordinator-key its public key? This worker expects \(curve.coordinatorKey.z85.prefix(8))…"
        }
    }
}
