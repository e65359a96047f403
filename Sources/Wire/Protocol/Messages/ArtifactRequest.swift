extension WireMessage {
    /// `FETCH`, worker → coordinator: send me these artifacts (named in an `ASSIGN` by
    /// digest, and not in my cache).
    public struct ArtifactRequest: Hashable, Sendable, Codable {
        public var sha256: [SHA256Digest]

        public init(sha256: [SHA256Digest]) {
            self.sha256 = sha256
        }
    }
}

extension WireMessage.ArtifactRequest: CheckedHeader {
    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.count(sha256.count, "sha256", minimum: 1, maximum: ArtifactFrames.maxArtifacts)
    }
}
