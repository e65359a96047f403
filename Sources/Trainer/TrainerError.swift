/// A run the trainer cannot do, said plainly.
public struct TrainerError: Error, CustomStringConvertible, Sendable {
    private enum Reason: Sendable {
        case unsupportedModel(String)
        case invalidRun(String)
        case missingArtifact(String)
        case cancelled
    }

    private let reason: Reason

    static func unsupportedModel(_ detail: String) -> TrainerError { TrainerError(reason: .unsupportedModel(detail)) }
    static func invalidRun(_ detail: String) -> TrainerError { TrainerError(reason: .invalidRun(detail)) }
    static func missingArtifact(_ detail: String) -> TrainerError { TrainerError(reason: .missingArtifact(detail)) }
    static let cancelled = TrainerError(reason: .cancelled)

    /// True for a run stopped on request, not for a problem with the run.
    public var isCancellation: Bool { if case .cancelled = reason { true } else { false } }
    /// True when running the same recipe again cannot help (it is invalid as written).
    public var isPermanent: Bool {
        switch reason {
        case .unsupportedModel, .invalidRun: true
        case .missingArtifact, .cancelled: false
        }
    }

    public var description: String {
        switch reason {
        case .unsupportedModel(let detail): "unsupported model: \(detail)"
        case .invalidRun(let detail): "invalid run: \(detail)"
        case .missingArtifact(let detail): "missing artifact: \(detail)"
        case .cancelled: "cancelled"
        }
    }
}
