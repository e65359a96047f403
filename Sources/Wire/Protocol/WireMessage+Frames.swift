extension WireMessage {
    /// The message as frames: type, JSON header, binary frames. Fails when the header
    /// would exceed `limits.maxHeaderBytes` or an artifact `limits.maxArtifactBytes`.
    public func frames(limits: MessageLimits = MessageLimits()) throws(EncodeError) -> [[UInt8]] {
        let (json, binary) = parts()
        guard json.count <= limits.maxHeaderBytes else {
            throw EncodeError(typeName, "the header is \(json.count) bytes; at most \(limits.maxHeaderBytes) may be sent")
        }
        guard binary.count + 2 <= limits.maxFrames else {
            throw EncodeError(typeName, "\(binary.count + 2) frames; at most \(limits.maxFrames) may be sent")
        }
        if let large = binary.first(where: { $0.count > limits.maxArtifactBytes }) {
            throw EncodeError(typeName, "an artifact of \(large.count) bytes; at most \(limits.maxArtifactBytes) may be sent")
        }
        var frames: [[UInt8]] = []
        frames.reserveCapacity(2 + binary.count)
        frames.append(Array(typeName.utf8))
        frames.append(json)
        frames.append(contentsOf: binary)
        return frames
    }

    /// The frames for a ROUTER to send this message to `peer`.
    public func frames(to peer: PeerID, limits: MessageLimits = MessageLimits()) throws(EncodeError) -> [[UInt8]] {
        [peer.bytes] + (try frames(limits: limits))
    }

    /// The header's JSON and the binary frames.
    private func parts() -> (header: [UInt8], frames: [[UInt8]]) {
        func header(_ body: some CheckedHeader) -> (header: [UInt8], frames: [[UInt8]]) {
            (HeaderJSON.object { body.writeHeader(to: &$0) }, [])
        }
        switch self {
        case .hello(let body): return header(body)
        case .ready(let body): return header(body)
        case .fetch(let body): return header(body)
        case .metrics(let body): return header(body)
        case .result(let body): return body.encodeParts()
        case .failed(let body): return header(body)
        case .welcome(let body): return header(body)
        case .assign(let body): return body.encodeParts()
        case .artifacts(let body): return body.encodeParts()
        case .ack(let body): return header(body)
        case .cancel(let body): return header(body)
        case .reject(let body): return header(body)
        case .bye, .drain, .shutdown, .heartbeat: return (HeaderJSON.object { $0.version() }, [])
        }
    }

    /// Decodes and checks a message (without a ROUTER's routing-id frame; see
    /// `PeerID.split`). Never traps: anything wrong is a `DecodeError`.
    public init(frames: [[UInt8]], limits: MessageLimits = MessageLimits()) throws(DecodeError) {
        guard let typeFrame = frames.first else { throw .truncated(nil, "no frames") }
        let type = try Self.typeName(typeFrame)
        guard frames.count >= 2 else { throw .truncated(type, "no header frame") }
        guard frames.count <= limits.maxFrames else {
            throw .oversized(type, "\(frames.count) frames; at most \(limits.maxFrames) are accepted")
        }
        let headerBytes = frames[1]
        guard headerBytes.count <= limits.maxHeaderBytes else {
            throw .oversized(type, "the header is \(headerBytes.count) bytes; at most \(limits.maxHeaderBytes) are accepted")
        }
        for (index, frame) in frames.enumerated().dropFirst(2) where frame.count > limits.maxArtifactBytes {
            throw .oversized(type, "frame \(index) is \(frame.count) bytes; at most \(limits.maxArtifactBytes) are accepted")
        }
        let header = try HeaderJSON.parse(headerBytes, type: type)
        let version = try HeaderJSON.version(of: header)
        // REJECT is read whatever its version: it is how a peer learns it speaks the wrong one.
        guard version == Self.protocolVersion || type == MessageType.reject.rawValue else { throw .unsupportedVersion(type, version) }
        let binary = frames[2...]
        let check = FieldCheck(type: type)

        guard let kind = MessageType(rawValue: type) else { throw .unknownType(type) }
        switch kind {
        case .hello: self = .hello(try Self.body(header, binary, check))
        case .ready: self = .ready(try Self.body(header, binary, check))
        case .fetch: self = .fetch(try Self.body(header, binary, check))
        case .metrics: self = .metrics(try Self.body(header, binary, check))
        case .result: self = .result(try TrialResult(header: header, frames: binary, limits: limits))
        case .failed: self = .failed(try Self.body(header, binary, check))
        case .welcome: self = .welcome(try Self.body(header, binary, check))
        case .assign: self = .assign(try Assignment(header: header, frames: binary, limits: limits))
        case .artifact: self = .artifacts(try ArtifactDelivery(header: header, frames: binary, limits: limits))
        case .ack: self = .ack(try Self.body(header, binary, check))
        case .cancel: self = .cancel(try Self.body(header, binary, check))
        case .reject: self = .reject(try Self.body(header, binary, check))
        case .bye: try Self.noFrames(binary, check); self = .bye
        case .drain: try Self.noFrames(binary, check); self = .drain
        case .shutdown: try Self.noFrames(binary, check); self = .shutdown
        case .heartbeat: try Self.noFrames(binary, check); self = .heartbeat
        }
    }

    /// 1–16 ASCII capital letters.
    private static func typeName(_ frame: [UInt8]) throws(DecodeError) -> String {
        guard (1 ... 16).contains(frame.count),
              frame.allSatisfy({ (UInt8(ascii: "A") ... UInt8(ascii: "Z")).contains($0) }) else {
            throw .badTypeFrame("the first frame (\(frame.count) bytes) is not 1–16 ASCII capital letters")
        }
        return String(decoding: frame, as: UTF8.self)
    }

    private static func body<Body: CheckedHeader>(_ header: JSONFields, _ binary: ArraySlice<[UInt8]>,
                                                  _ check: FieldCheck) throws(DecodeError) -> Body {
        try noFrames(binary, check)
        let body = try Body(header: header)
        try body.validate(check)
        return body
    }

    private static func noFrames(_ binary: ArraySlice<[UInt8]>, _ check: FieldCheck) throws(DecodeError) {
        if !binary.isEmpty { throw .frameMismatch(check.type, "\(binary.count) binary frames where none belong") }
    }
}
