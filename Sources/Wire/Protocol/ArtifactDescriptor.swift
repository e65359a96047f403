import LotteryCore

/// How a header lists an artifact: `{"role", "kind", "sha256", "size", "frame"}`, where
/// `frame` is the index among the message's binary frames (0 = the frame after the
/// header), or absent when the artifact is named by digest only.
struct ArtifactDescriptor: Hashable, Sendable {
    var role: ArtifactRole?
    var kind: ArtifactKind
    var sha256: SHA256Digest
    var size: Int
    var frame: Int?

    init(role: ArtifactRole?, reference: ArtifactReference, frame: Int?) {
        self.role = role
        self.kind = reference.kind
        self.sha256 = reference.sha256
        self.size = reference.size
        self.frame = frame
    }

    var reference: ArtifactReference { ArtifactReference(kind: kind, sha256: sha256, size: size) }

    init(json: JSONValue, _ path: FieldPath) throws(DecodeError) {
        let fields = try JSONRead.object(json, path)
        role = try fields.optionalValue("role").map { value throws(DecodeError) in
            try JSONRead.enumeration(value, path, path.describing("role"))
        }
        kind = try fields.enumeration("kind")
        sha256 = try JSONRead.digest(try fields.value("sha256", "SHA256Digest"), path, path.describing("sha256"))
        size = try fields.int("size")
        frame = try fields.optionalInt("frame")
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if let frame {
            writer.key("frame")
            writer.int(frame)
        }
        writer.key("kind")
        writer.string(kind.rawValue)
        if let role {
            writer.key("role")
            writer.string(role.rawValue)
        }
        writer.key("sha256")
        writer.string(sha256.hex)
        writer.key("size")
        writer.int(size)
        writer.endObject()
    }

    /// The `artifacts` list of a header.
    static func list(_ fields: JSONFields) throws(DecodeError) -> [ArtifactDescriptor] {
        let (elements, path) = try fields.array("artifacts")
        var descriptors: [ArtifactDescriptor] = []
        descriptors.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            descriptors.append(try ArtifactDescriptor(json: element, path.element(index)))
        }
        return descriptors
    }

    static func write(_ descriptors: [ArtifactDescriptor], to writer: inout JSONWriter) {
        writer.key("artifacts")
        writer.beginArray()
        for descriptor in descriptors { descriptor.write(to: &writer) }
        writer.endArray()
    }
}

/// Artifacts to and from a header's descriptor list and the binary frames after it.
enum ArtifactFrames {
    /// Most artifacts one message may list.
    static let maxArtifacts = 64

    /// An artifact to list; nil bytes = named by digest only.
    struct Entry {
        var role: ArtifactRole?
        var reference: ArtifactReference
        var bytes: [UInt8]?
    }

    /// Lists `artifacts` and the frames that carry the inline ones.
    static func encode(_ artifacts: [Entry])
        -> (descriptors: [ArtifactDescriptor], frames: [[UInt8]]) {
        var descriptors: [ArtifactDescriptor] = []
        var frames: [[UInt8]] = []
        for artifact in artifacts {
            var frame: Int? = nil
            if let bytes = artifact.bytes {
                frame = frames.count
                frames.append(bytes)
            }
            descriptors.append(ArtifactDescriptor(role: artifact.role, reference: artifact.reference, frame: frame))
        }
        return (descriptors, frames)
    }

    /// Checks `descriptors` against `frames` (each binary frame used exactly once, sizes,
    /// encodings, digests) and returns, per descriptor, its artifact when it is inline.
    static func decode(_ descriptors: [ArtifactDescriptor], frames: ArraySlice<[UInt8]>, check: FieldCheck,
                       limits: MessageLimits, roles: Bool, byDigestAllowed: Bool) throws(DecodeError) -> [Artifact?] {
        let type = check.type
        try check.count(descriptors.count, "artifacts", maximum: Self.maxArtifacts)
        var used = Set<Int>()
        var artifacts: [Artifact?] = []
        for (index, descriptor) in descriptors.enumerated() {
            let field = "artifacts[\(index)]"
            if roles {
                guard let role = descriptor.role else { throw .invalidField(type, field + ".role", "is missing") }
                if role.kind != descriptor.kind {
                    throw .invalidField(type, field + ".kind", "is \(descriptor.kind), but role \(role.rawValue) holds \(role.kind)")
                }
            }
            try check.range(descriptor.size, 0 ... max(0, limits.maxArtifactBytes), field + ".size")
            guard let frame = descriptor.frame else {
                if !byDigestAllowed { throw .invalidField(type, field + ".frame", "is missing; this message carries its artifacts") }
                artifacts.append(nil)
                continue
            }
            guard frame >= 0, frame < frames.count else {
                throw .frameMismatch(type, "\(field) names binary frame \(frame), but the message has \(frames.count)")
            }
            guard used.insert(frame).inserted else {
                throw .frameMismatch(type, "binary frame \(frame) is named twice")
            }
            let bytes = frames[frames.startIndex + frame]
            guard bytes.count == descriptor.size else {
                throw .frameMismatch(type, "\(field) says \(descriptor.size) bytes, but its frame has \(bytes.count)")
            }
            let artifact = Artifact(kind: descriptor.kind, bytes: bytes, sha256: descriptor.sha256)
            if let problem = artifact.layoutProblem { throw .badArtifact(type, "\(field): \(problem)") }
            if limits.verifiesDigests && SHA256.hash(bytes) != descriptor.sha256 {
                throw .badArtifact(type, "\(field): the bytes do not hash to \(descriptor.sha256.hex)")
            }
            artifacts.append(artifact)
        }
        if used.count != frames.count {
            throw .frameMismatch(type, "the message has \(frames.count) binary frames, but the header names \(used.count)")
        }
        return artifacts
    }
}
