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
    func encodeParts() -> (header: [UInt8], frames: [[UInt8]]) {
        let listed = artifacts.map { ArtifactFrames.Entry(role: nil, reference: $0.reference, bytes: $0.bytes) }
        let (descriptors, frames) = ArtifactFrames.encode(listed)
        let header = HeaderJSON.object { writer in
            ArtifactDescriptor.write(descriptors, to: &writer)
            writer.key("missing")
            writer.beginArray()
            for digest in missing { writer.string(digest.hex) }
            writer.endArray()
            writer.version()
        }
        return (header, frames)
    }

    init(header: JSONFields, frames: ArraySlice<[UInt8]>, limits: MessageLimits) throws(DecodeError) {
        let check = FieldCheck(type: MessageType.artifact.rawValue)
        let descriptors = try ArtifactDescriptor.list(header)
        let (elements, path) = try header.array("missing")
        var missing: [SHA256Digest] = []
        for (index, element) in elements.enumerated() {
            missing.append(try JSONRead.digest(element, path, path.element(index).text))
        }
        try check.count(missing.count, "missing", maximum: ArtifactFrames.maxArtifacts)
        let artifacts = try ArtifactFrames.decode(descriptors, frames: frames, check: check, limits: limits,
                                                  roles: false, byDigestAllowed: false)
        self.init(artifacts: artifacts.compactMap { $0 }, missing: missing)
    }
}
