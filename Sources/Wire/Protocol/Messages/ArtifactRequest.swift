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
    init(header: JSONFields) throws(DecodeError) {
        let (elements, path) = try header.array("sha256")
        var digests: [SHA256Digest] = []
        digests.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            digests.append(try JSONRead.digest(element, path, path.element(index).text))
        }
        self.init(sha256: digests)
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("sha256")
        writer.beginArray()
        for digest in sha256 { writer.string(digest.hex) }
        writer.endArray()
        writer.version()
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.count(sha256.count, "sha256", minimum: 1, maximum: ArtifactFrames.maxArtifacts)
    }
}
