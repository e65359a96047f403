/// What a trial is within its chain.
public enum Branch: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Level 0: the dense run every level of the chain descends from.
    case dense
    /// A level ≥ 1 of iterative pruning: the previous level's ticket pruned and trained again.
    case ticket
    /// A level ≥ 1 of one-shot pruning: the dense run pruned in one round to that level's density.
    case oneShot
    /// A control off a level's trial (its parent): the `replicate`-th of its kind (0-based).
    case control(ControlKind, replicate: Int)

    /// `dense`, `ticket`, `one-shot`, `reinit#0`, `random-prune#1`.
    public var description: String {
        switch self {
        case .dense: "dense"
        case .ticket: "ticket"
        case .oneShot: "one-shot"
        case .control(let kind, let replicate): "\(kind.rawValue)#\(replicate)"
        }
    }
}
