/// How the levels of a chain are pruned.
public enum PruningMethod: String, Hashable, Sendable, Codable, CaseIterable {
    /// Iterative magnitude pruning, the paper's method: level k prunes level k−1's ticket by
    /// the per-round rates, and its survivors are reset and trained again.
    case iterative
    /// Level k prunes the dense run (level 0) in one round, straight to the share of weights
    /// iterative pruning keeps after k rounds: 1 − (1 − r)^k of each layer, where r is the
    /// per-round rate. One-shot trials at every level branch off the same dense run.
    case oneShot = "one-shot"
}
