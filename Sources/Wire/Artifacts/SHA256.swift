import LotteryCore

extension SHA256 {
    /// The digest of `bytes` as an artifact name.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.digest()
    }

    /// The digest of everything hashed so far, as an artifact name.
    public func digest() -> SHA256Digest {
        SHA256Digest(validBytes: finalize())
    }
}
