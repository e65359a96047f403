/// A CURVE (Curve25519) key, public or secret, as the 40 characters of its Z85 text:
/// the form key files and `SocketOption.curve…` use.
public struct CurveKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The key as Z85 text, 40 characters.
    public let z85: String

    /// Nil unless `z85` is 40 characters of Z85 text.
    public init?(z85: String) {
        guard let bytes = Z85.decode(z85), bytes.count == 32 else { return nil }
        self.z85 = z85
    }

    /// The key from its 32 raw bytes (as a ZAP request carries a client's public key).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32, let text = Z85.encode(bytes) else { return nil }
        self.z85 = text
    }

    /// The key's 32 raw bytes.
    public var bytes: [UInt8] { Z85.decode(z85) ?? [] }

    public var description: String { z85 }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let key = CurveKey(z85: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a 40-character Z85 CURVE key"))
        }
        self = key
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(z85)
    }
}
