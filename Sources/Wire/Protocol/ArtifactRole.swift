/// What an artifact is for, in an `ASSIGN` (what the trial needs) or a `RESULT` (what it made).
public enum ArtifactRole: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    // needed by a trial (ASSIGN)
    /// The parent trial's mask.
    case parentMask = "parent-mask"
    /// The parent trial's final weights, whose magnitudes decide what to prune.
    case parentWeights = "parent-weights"
    /// The weights to reset to, kept by the chain's level 0 at the rewind iteration.
    /// Also made: a trial whose recipe has `keepWeightsAt` returns them under this role.
    case rewindWeights = "rewind-weights"

    // made by a trial (RESULT)
    /// The mask the trial trained with.
    case mask
    /// The weights at the end of training.
    case finalWeights = "final-weights"

    /// The kind of artifact this role holds.
    public var kind: ArtifactKind {
        switch self {
        case .parentMask, .mask: .mask
        case .parentWeights, .rewindWeights, .finalWeights: .weights
        }
    }

    public static func < (lhs: ArtifactRole, rhs: ArtifactRole) -> Bool { lhs.rawValue < rhs.rawValue }
}
