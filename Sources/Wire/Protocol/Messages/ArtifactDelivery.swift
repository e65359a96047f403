extension WireMessage {
    /// `ARTIFACT`, coordinator → worker: the answer to a `FETCH`: the artifacts it has,
    /// and the digests it does not.
    public struct ArtifactDelivery: Hashable, Sendable {
        public var artifacts: [Artifact]
        /// Asked for, but unknown to the coordinator: the worker fails the trial that
        /// needed it (retryable).
        public var missing: [SHA256Digest]

        public init(artifacts: [Artifact], missing: [SHA256Digest] = []) {
            self.artifacts = artifacts
            self.missing = missing
        }
    }
}

extension WireMessage.ArtifactDelivery {
    private struct Header: Codable {
        var artifacts: [ArtifactDescriptor]
        var missing: [SHA256Digest]
    }

    func encodeParts() -> (header: any Encodable, frames: [[UInt8]]) {
        let listed = artifacts.map { ArtifactFrames.Entry(role: nil, reference: $0.reference, bytes: $0.bytes) }
        let (descriptors, frames) = ArtifactFrames.encode(listed)
        return (Header(artifacts: descriptors, missing: missing), frames)
    }

    init(header bytes: [UInt8], frames: ArraySlice<[UInt8]>, limits: MessageLimits) throws(DecodeError) {
        let check = FieldCheck(type: "ARTIFACT")
        let header = try HeaderJSON.decode(Header.self, from: bytes, type: check.type)
        try check.count(header.missing.count, "missing", maximum: ArtifactFrames.maxArtifacts)
        let artifacts = try ArtifactFrames.decode(header.artifacts, frames: frames, check: check, limits: limits,
                                                  roles: false, byDigestAllowed: false)
        self.init(artifacts: artifacts.compactMap { $0 }, missing: header.missing)
    }
}
