/// Why received frames are not a valid protocol message. The receiver counts these by
/// `reason` and drops the message; it never stops for one.
public struct DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case truncated
        case oversized
        case badTypeFrame
        case unknownType
        case malformedHeader
        case unsupportedVersion(Int)
        case invalidField
        case frameMismatch
        case badArtifact
    }

    private let kind: Kind
    /// The message's type frame, when it was readable.
    public let messageType: String?
    /// The message's type, when its type frame names one of this version.
    public var type: MessageType? { messageType.flatMap(MessageType.init(rawValue:)) }
    /// What exactly was wrong, for logs.
    public let detail: String

    private init(_ kind: Kind, _ messageType: String?, _ detail: String) {
        self.kind = kind
        self.messageType = messageType
        self.detail = detail
    }

    /// Fewer frames than the message needs.
    static func truncated(_ type: String?, _ detail: String) -> DecodeError { .init(.truncated, type, detail) }
    /// A frame, or the number of frames, over a `MessageLimits` bound.
    static func oversized(_ type: String?, _ detail: String) -> DecodeError { .init(.oversized, type, detail) }
    /// The first frame is not 1–16 ASCII capital letters.
    static func badTypeFrame(_ detail: String) -> DecodeError { .init(.badTypeFrame, nil, detail) }
    /// A well-formed type frame that protocol version 1 does not define.
    static func unknownType(_ type: String) -> DecodeError { .init(.unknownType, type, "unknown message type \(type)") }
    /// The header is not a JSON object of the expected shape (a field missing or of the wrong type).
    static func malformedHeader(_ type: String?, _ detail: String) -> DecodeError { .init(.malformedHeader, type, detail) }
    /// The header's `v` names a protocol version this side does not speak.
    static func unsupportedVersion(_ type: String?, _ version: Int) -> DecodeError {
        .init(.unsupportedVersion(version), type, "protocol version \(version) is not supported (this side speaks \(WireMessage.protocolVersion))")
    }
    /// A field has a value out of its range (an empty trial id, a negative slot count…).
    static func invalidField(_ type: String?, _ field: String, _ detail: String) -> DecodeError {
        .init(.invalidField, type, "\(field): \(detail)")
    }
    /// The binary frames do not match the header's list of them.
    static func frameMismatch(_ type: String?, _ detail: String) -> DecodeError { .init(.frameMismatch, type, detail) }
    /// An artifact's bytes don't match its digest, size or encoding.
    static func badArtifact(_ type: String?, _ detail: String) -> DecodeError { .init(.badArtifact, type, detail) }

    /// A short, stable code for counting dropped messages: `truncated`, `oversized`,
    /// `bad-type-frame`, `unknown-type`, `malformed-header`, `unsupported-version`,
    /// `invalid-field`, `frame-mismatch`, `bad-artifact`.
    public var reason: String {
        switch kind {
        case .truncated: "truncated"
        case .oversized: "oversized"
        case .badTypeFrame: "bad-type-frame"
        case .unknownType: "unknown-type"
        case .malformedHeader: "malformed-header"
        case .unsupportedVersion: "unsupported-version"
        case .invalidField: "invalid-field"
        case .frameMismatch: "frame-mismatch"
        case .badArtifact: "bad-artifact"
        }
    }

    /// The version the peer spoke, when that is what was wrong: the one case a
    /// coordinator answers (with `REJECT` reason `version`) instead of only dropping.
    public var unsupportedVersion: Int? {
        if case .unsupportedVersion(let version) = kind { version } else { nil }
    }

    public var description: String {
        "\(messageType.map { "\($0) message" } ?? "message") dropped (\(reason)): \(detail)"
    }
}
