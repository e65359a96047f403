import LotteryCore

/// What an artifact's bytes hold.
public enum ArtifactKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// Which weights survive: a bit per prunable weight (see `Artifact.mask(_:)`).
    case mask
    /// Parameter values as little-endian Float32 (see `Artifact.weights(_:)`).
    case weights
}

/// Bytes one trial produces and another needs, named by their SHA-256: masks, final
/// weights, rewind weights. Two artifacts are equal when their kind and digest are.
public struct Artifact: Hashable, Sendable, CustomStringConvertible {
    public let kind: ArtifactKind
    public let bytes: [UInt8]
    public let sha256: SHA256Digest

    /// An artifact of `bytes`, its digest computed here.
    public init(kind: ArtifactKind, bytes: [UInt8]) {
        self.init(kind: kind, bytes: bytes, sha256: SHA256.hash(bytes))
    }

    /// An artifact whose digest the caller vouches for: a decoder told not to verify, or
    /// a store that wrote the bytes under their digest (hashing a large weights file
    /// again would stall the coordinator's message loop).
    public init(kind: ArtifactKind, bytes: [UInt8], trustedDigest sha256: SHA256Digest) {
        self.init(kind: kind, bytes: bytes, sha256: sha256)
    }

    init(kind: ArtifactKind, bytes: [UInt8], sha256: SHA256Digest) {
        self.kind = kind
        self.bytes = bytes
        self.sha256 = sha256
    }

    /// Kind, digest and size, without the bytes: what a header says about it.
    public var reference: ArtifactReference {
        ArtifactReference(kind: kind, sha256: sha256, size: bytes.count)
    }

    public static func == (lhs: Artifact, rhs: Artifact) -> Bool {
        lhs.kind == rhs.kind && lhs.sha256 == rhs.sha256
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(sha256)
    }

    public var description: String { "\(kind) \(sha256.hex.prefix(12)) (\(bytes.count) bytes)" }

    /// Nil when the bytes are a well-formed encoding of `kind`, else what is wrong.
    public var layoutProblem: String? {
        switch kind {
        case .weights: bytes.count % 4 == 0 ? nil : "weights take 4 bytes each, but there are \(bytes.count) bytes"
        case .mask: Self.maskLayoutProblem(bytes)
        }
    }
}

/// An artifact named without its bytes: a receiver that already holds bytes with this
/// digest may use them, else it asks for them.
public struct ArtifactReference: Hashable, Sendable, CustomStringConvertible {
    public var kind: ArtifactKind
    public var sha256: SHA256Digest
    /// Length of the artifact's bytes.
    public var size: Int

    public init(kind: ArtifactKind, sha256: SHA256Digest, size: Int) {
        self.kind = kind
        self.sha256 = sha256
        self.size = size
    }

    public var description: String { "\(kind) \(sha256.hex.prefix(12)) (\(size) bytes)" }
}
