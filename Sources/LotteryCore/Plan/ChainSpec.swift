/// One chain of a sweep, fully resolved: the preset applied, the file's values merged over
/// it, lengths counted in iterations and rates per round. The plan turns it into trials.
public struct ChainSpec: Hashable, Sendable, Codable {
    /// The index of this chain's config (its grid point without the seed) in `Sweep.configs`.
    public var config: Int
    /// The axis values of this chain, `seeds` included, in `Sweep.axes` order.
    public var parameters: [SweepParameter]
    public var model: ModelSpec
    public var data: DataSpec
    public var training: TrainingSpec
    /// The run's length in iterations (an epoch is ⌊training split / batch⌋ iterations).
    public var iterations: Int
    public var pruning: PruningSchedule
    /// The last level: the chain trains levels 0…`levels`, level 0 being the dense run.
    public var levels: Int
    public var reset: ResetSpec
    /// Control trials off each level ≥ 1.
    public var controls: ControlCounts
    public var seed: UInt64
    /// The model's prunable weight tensors on this dataset, for expected densities.
    public var weightShapes: [WeightShape]

    public init(config: Int, parameters: [SweepParameter], model: ModelSpec, data: DataSpec, training: TrainingSpec,
                iterations: Int, pruning: PruningSchedule, levels: Int, reset: ResetSpec, controls: ControlCounts,
                seed: UInt64, weightShapes: [WeightShape]) {
        self.config = config
        self.parameters = parameters
        self.model = model
        self.data = data
        self.training = training
        self.iterations = iterations
        self.pruning = pruning
        self.levels = levels
        self.reset = reset
        self.controls = controls
        self.seed = seed
        self.weightShapes = weightShapes
    }
}
