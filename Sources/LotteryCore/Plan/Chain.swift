/// The levels 0…L of one config and seed, and the controls off them.
public struct Chain: Hashable, Sendable, Codable {
    /// Position in `Plan.chains` (and in `Sweep.chains`).
    public var index: Int
    /// Position of its config in `Plan.configs`.
    public var config: Int
    public var seed: UInt64
    public var method: PruningMethod
    /// The chain's axis values, `seeds` included.
    public var parameters: [SweepParameter]
    /// The trial of each level: `levels[0]` is the dense run, `levels[k]` the k-th pruned level.
    public var levels: [TrialID]
    /// The control trials, level by level.
    public var controls: [TrialID]
}
