import LotteryCore

/// The artifacts a trial takes from earlier trials (see `TrialRecipe` for which
/// start needs which).
public struct TrialInputs: Sendable {
    /// The parent's mask: what `.prune` prunes further and what controls copy.
    public var parentMask: Mask?
    /// The parent's trained weights, which `.prune` judges magnitudes by.
    public var parentWeights: Weights?
    /// The chain's level-0 weights at the rewind iteration, for `.rewind` resets.
    public var rewindWeights: Weights?

    public init(parentMask: Mask? = nil, parentWeights: Weights? = nil, rewindWeights: Weights? = nil) {
        self.parentMask = parentMask
        self.parentWeights = parentWeights
        self.rewindWeights = rewindWeights
    }
}

/// What a trial hands on: its measurements and the artifacts later trials need.
public struct TrialOutcome: Sendable {
    public var summary: RunSummary
    public var evaluations: [Evaluation]
    /// The mask this trial trained with.
    public var mask: Mask
    public var finalWeights: Weights
    /// The weights at `recipe.keepWeightsAt`, when asked for.
    public var keptWeights: Weights?
}

/// Executes trial recipes: builds the network, sets its mask and starting
/// weights as the recipe says, and trains.
public enum TrialRunner {
    /// `threads`: the lanes its convolutions split a batch into (`Lanes`), for this
    /// trial alone whatever else the process trains at the same time.
    public static func run(_ recipe: TrialRecipe, inputs: TrialInputs, dataset: Dataset, threads: Int = 1,
                           shouldStop: () -> Bool = { false },
                           onEvaluation: ([Evaluation]) -> Void = { _ in }) throws -> TrialOutcome {
        try Lanes.with(threads) {
            try train(recipe, inputs: inputs, dataset: dataset, shouldStop: shouldStop, onEvaluation: onEvaluation)
        }
    }

    private static func train(_ recipe: TrialRecipe, inputs: TrialInputs, dataset: Dataset,
                              shouldStop: () -> Bool, onEvaluation: ([Evaluation]) -> Void) throws -> TrialOutcome {
        let (network, mask) = try prepare(recipe, inputs: inputs, dataset: dataset)
        let loop = TrainingLoop(network: network, dataset: dataset, training: recipe.training, seed: recipe.seed)
        let outcome = try loop.run(keepWeightsAt: recipe.keepWeightsAt, shouldStop: shouldStop,
                                   onEvaluation: onEvaluation)
        return TrialOutcome(summary: outcome.summary, evaluations: outcome.evaluations, mask: mask,
                            finalWeights: outcome.finalWeights, keptWeights: outcome.keptWeights)
    }

    /// The network as the trial starts training: its mask set and its weights
    /// drawn, reset or rewound as the recipe says.
    public static func prepare(_ recipe: TrialRecipe, inputs: TrialInputs,
                               dataset: Dataset) throws -> (network: Network, mask: Mask) {
        let capacity = Network.capacity(model: recipe.model, inputShape: dataset.info.inputShape,
                                        batchSize: recipe.training.batchSize)
        let network = try Network(model: recipe.model, inputShape: dataset.info.inputShape,
                                  classes: dataset.info.classes, capacity: capacity)
        let mask: Mask
        switch recipe.start {
        case .dense:
            mask = Mask.dense(for: network)
            try mask.apply(to: network)
            network.initialize(seed: recipe.seed)
        case .prune(let pruning):
            let parentMask = try require(inputs.parentMask, "the parent's mask, to prune further")
            let parentWeights = try require(inputs.parentWeights, "the parent's trained weights, to prune by")
            mask = try Pruner.prune(parentMask, by: parentWeights, spec: pruning)
            try mask.apply(to: network)
            try reset(network, recipe: recipe, inputs: inputs)
        case .control(.reinit, let replicate):
            mask = try require(inputs.parentMask, "the level's mask, to reinitialise")
            try mask.apply(to: network)
            network.initialize(seed: recipe.seed, stream: "reinit:\(replicate)")
        case .control(.randomPrune, let replicate):
            let parentMask = try require(inputs.parentMask, "the level's mask, for its per-layer sparsity")
            mask = Pruner.randomMask(like: parentMask, seed: recipe.seed, replicate: replicate)
            try mask.apply(to: network)
            try reset(network, recipe: recipe, inputs: inputs)
        }
        return (network, mask)
    }

    /// Survivors back to θ0, or to the rewind weights; the mask stays.
    private static func reset(_ network: Network, recipe: TrialRecipe, inputs: TrialInputs) throws {
        switch recipe.reset {
        case .original:
            network.initialize(seed: recipe.seed)
        case .rewind(let iteration):
            let weights = try require(inputs.rewindWeights, "the level-0 weights at iteration \(iteration), to rewind to")
            try weights.load(into: network)
        }
    }

    private static func require<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw TrainerError.missingArtifact(what) }
        return value
    }
}
