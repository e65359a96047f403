/// A run the trainer cannot do, said plainly.
public struct TrainerError: Error, CustomStringConvertible, Sendable {
    private enum Reason: Sendable {
        case unsupportedModel(String)
        case invalidRun(String)
        case missingArtifact(String)
    }

    private let reason: Reason

    static func unsupportedModel(_ detail: String) -> TrainerError { TrainerError(reason: .unsupportedModel(detail)) }
    static func invalidRun(_ detail: String) -> TrainerError { TrainerError(reason: .invalidRun(detail)) }
    static func missingArtifact(_ detail: String) -> TrainerError { TrainerError(reason: .missingArtifact(detail)) }

    public var description: String {
        switch reason {
        case .unsupportedModel(let detail): "unsupported model: \(detail)"
        case .invalidRun(let detail): "invalid run: \(detail)"
        case .missingArtifact(let detail): "missing artifact: \(detail)"
        }
    }
}
