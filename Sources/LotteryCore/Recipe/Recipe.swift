/// Everything a worker needs to run one trial, given its parent's artifacts.
///
/// The planner builds recipes; the trainer executes them. How a recipe uses its
/// parent's artifacts:
///
/// | start | needs from the parent | mask of this trial | weights it starts from |
/// |---|---|---|---|
/// | `.dense` | nothing | all ones | θ0 from `seed` |
/// | `.prune(p)` | final weights and mask | parent's mask pruned by `p` using the parent's final weights | θ0 (or the rewind weights, see `reset`) on the new mask |
/// | `.control(.reinit, r)` | mask | the parent's mask | a fresh draw from the same distribution, seeded by (`seed`, reinit, `r`) |
/// | `.control(.randomPrune, r)` | mask | random, with the parent's per-layer counts, seeded by (`seed`, random-prune, `r`) | θ0 (or the rewind weights) on that mask |
///
/// `.rewind(k)` resets to the weights the chain's level-0 trial kept at iteration
/// `k` (its recipe has `keepWeightsAt == k`); a recipe that rewinds also needs that artifact.
public struct TrialRecipe: Hashable, Sendable, Codable {
    public enum Start: Hashable, Sendable, Codable {
        case dense
        case prune(PruningSpec)
        case control(ControlKind, replicate: Int)
    }

    public var model: ModelSpec
    public var data: DataSpec
    public var training: TrainingSpec
    /// Seeds θ0 and the order of the training data.
    public var seed: UInt64
    public var start: Start
    public var reset: ResetSpec
    /// Level 0 of a rewinding chain keeps its weights at this iteration as an artifact.
    public var keepWeightsAt: Int?

    public init(model: ModelSpec, data: DataSpec, training: TrainingSpec, seed: UInt64,
                start: Start = .dense, reset: ResetSpec = .original, keepWeightsAt: Int? = nil) {
        self.model = model
        self.data = data
        self.training = training
        self.seed = seed
        self.start = start
        self.reset = reset
        self.keepWeightsAt = keepWeightsAt
    }
}
