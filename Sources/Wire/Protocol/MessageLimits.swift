/// Bounds a decoder enforces on what a peer sends, and an encoder on what it would send,
/// so that a broken or hostile peer costs a dropped message, not the process.
public struct MessageLimits: Hashable, Sendable {
    /// Largest JSON header frame, in bytes. Protocol version 1 fixes 64 KiB as the most
    /// any receiver must accept.
    public var maxHeaderBytes: Int
    /// Largest artifact frame, in bytes.
    public var maxArtifactBytes: Int
    /// Most frames in one message (type and header included).
    public var maxFrames: Int
    /// Check each received artifact's SHA-256 against its header (costs a pass over its bytes).
    public var verifiesDigests: Bool

    /// - Parameters:
    ///   - maxArtifactBytes: 1 GiB by default: the weights of a 250M-parameter model.
    public init(maxHeaderBytes: Int = 64 * 1024, maxArtifactBytes: Int = 1 << 30, maxFrames: Int = 64,
                verifiesDigests: Bool = true) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxArtifactBytes = maxArtifactBytes
        self.maxFrames = maxFrames
        self.verifiesDigests = verifiesDigests
    }
}
