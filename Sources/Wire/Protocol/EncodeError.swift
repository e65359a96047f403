/// Why a message could not be turned into frames.
public struct EncodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message's type frame.
    public let messageType: String
    /// What was wrong.
    public let detail: String

    init(_ messageType: String, _ detail: String) {
        self.messageType = messageType
        self.detail = detail
    }

    public var description: String { "cannot encode \(messageType): \(detail)" }
}
