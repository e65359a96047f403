/// A CURVE key pair: the public key is given out (workers list the coordinator's; the
/// coordinator's file of authorized workers lists theirs), the secret key never leaves
/// its machine.
public struct CurveKeyPair: Hashable, Sendable {
    public let publicKey: CurveKey
    public let secretKey: CurveKey

    /// A fresh random key pair (`zmq_curve_keypair`).
    public static func generate() throws(WireError) -> CurveKeyPair {
        let (publicText, secretText) = try LibZMQ.curveKeyPair()
        guard let publicKey = CurveKey(z85: publicText), let secretKey = CurveKey(z85: secretText) else {
            throw .invalidArgument("zmq_curve_keypair", "libzmq returned a key that is not Z85")
        }
        return CurveKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// The pair of a secret key, its public key derived again (`zmq_curve_public`).
    public init(secretKey: CurveKey) throws(WireError) {
        let publicText = try LibZMQ.curvePublicKey(secretKey: secretKey.z85)
        guard let publicKey = CurveKey(z85: publicText) else {
            throw .invalidArgument("zmq_curve_public", "libzmq returned a key that is not Z85")
        }
        self.init(publicKey: publicKey, secretKey: secretKey)
    }

    private init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }
}
