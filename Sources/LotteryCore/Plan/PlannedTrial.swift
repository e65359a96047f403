/// One training run of a plan: what to run (`recipe`), what it needs first (`parent`,
/// `rewindSource`), and where it sits in the study.
public struct PlannedTrial: Hashable, Sendable, Codable {
    /// Hash of the recipe's canonical form and the parent's id.
    public var id: TrialID
    /// The trial whose artifacts this one starts from: for `.prune` its mask and final
    /// weights, for a control its mask. Nil for a level-0 (dense) trial.
    public var parent: TrialID?
    /// The pruning level: 0 for the dense run, k for the k-th pruned level and its controls.
    public var level: Int
    public var branch: Branch
    /// What the trainer runs (see `TrialRecipe` for how it uses the parent's artifacts).
    public var recipe: TrialRecipe
    /// The level-0 trial whose kept weights (`keepWeightsAt`) this trial resets to; set
    /// exactly when the recipe's `reset` is `.rewind`. That trial is always an ancestor.
    public var rewindSource: TrialID?
    /// Every chain this trial belongs to, as indices in `Plan.chains`, ascending. More than
    /// one when chains share it (the same dense run under several pruning rates, say).
    public var chains: [Int]
    /// The axis values all of its chains agree on; an axis they differ on is left out (the
    /// shared dense run has no pruning-rate value).
    public var parameters: [SweepParameter]
    /// The run's length in iterations.
    public var iterations: Int
    /// The expected fraction (0–1) of prunable weights remaining, from the rates and the layer
    /// sizes (exact for layer-wise pruning; for global pruning, layers are assumed to keep
    /// proportional shares).
    public var weightsRemaining: Double
    /// The number of trials on the path from a root to this one, itself included.
    public var depth: Int

    /// Training examples processed, iterations × batch: the work estimate (evaluations not counted).
    public var samples: Int { iterations * recipe.training.batchSize }

    /// The value of the axis `name` for this trial, when its chains agree on one.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }
}
