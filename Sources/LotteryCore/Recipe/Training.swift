/// The optimizer of a training run.
public struct OptimizerSpec: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case adam
        case sgd
        /// SGD with (heavy-ball) momentum.
        case momentum
    }

    public var kind: Kind
    public var learningRate: Double
    /// Momentum coefficient for `.momentum`; ignored otherwise.
    public var momentum: Double
    /// L2 penalty added to the gradient (coupled, as in PyTorch's `weight_decay`). 0 = none.
    public var weightDecay: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(kind: Kind, learningRate: Double, momentum: Double = 0.9, weightDecay: Double = 0,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public static func adam(_ learningRate: Double) -> OptimizerSpec {
        OptimizerSpec(kind: .adam, learningRate: learningRate)
    }
}

/// How long a run trains.
public enum TrainingLength: Hashable, Sendable, Codable, CustomStringConvertible {
    case iterations(Int)
    /// Whole passes over the training split; an epoch is ⌊train examples / batch⌋
    /// iterations (the last partial batch is dropped, the data reshuffled each epoch).
    case epochs(Int)

    public func iterations(trainExamples: Int, batchSize: Int) -> Int {
        switch self {
        case .iterations(let count): count
        case .epochs(let count): count * (trainExamples / batchSize)
        }
    }

    public var description: String {
        switch self {
        case .iterations(let count): "\(count)it"
        case .epochs(let count): "\(count)ep"
        }
    }
}

/// A step change of the learning rate: from `iteration` on, the base rate is multiplied by `factor`.
public struct LearningRateDrop: Hashable, Sendable, Codable {
    public var iteration: Int
    public var factor: Double

    public init(iteration: Int, factor: Double) {
        self.iteration = iteration
        self.factor = factor
    }
}

/// How a run's prunable layers compute: as dense products with a mask, or in a
/// compressed form that stores and touches only the kept weights. Results agree
/// up to float summation order, so the choice is not part of a trial's id.
public enum KernelChoice: String, Hashable, Sendable, Codable, CaseIterable {
    /// Per layer, from its density and shape (the rule is in docs/TRAINER.md).
    case auto
    /// Every layer as a dense product with its mask.
    case dense
    /// Every prunable layer compressed; only layer kinds with a sparse kernel
    /// (fully connected layers, plain 3×3 convolutions) may be asked for this.
    case sparse
}

/// Everything about one training run except the model, the data and the seed.
public struct TrainingSpec: Hashable, Sendable, Codable {
    public var optimizer: OptimizerSpec
    public var batchSize: Int
    public var length: TrainingLength
    /// Validation and test are evaluated at iteration 0, every `evalEvery` iterations, and at the end.
    public var evalEvery: Int
    /// Linear learning-rate warm-up over this many iterations; 0 = none.
    public var warmupIterations: Int
    /// Step schedule; empty = constant rate.
    public var drops: [LearningRateDrop]
    /// Dense or sparse kernels for the prunable layers.
    public var kernels: KernelChoice

    public init(optimizer: OptimizerSpec, batchSize: Int, length: TrainingLength, evalEvery: Int = 100,
                warmupIterations: Int = 0, drops: [LearningRateDrop] = [], kernels: KernelChoice = .auto) {
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.length = length
        self.evalEvery = evalEvery
        self.warmupIterations = warmupIterations
        self.drops = drops
        self.kernels = kernels
    }

    private enum CodingKeys: String, CodingKey {
        case optimizer, batchSize, length, evalEvery, warmupIterations, drops, kernels
    }

    /// Journals and messages written before `kernels` existed decode as `.auto`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        optimizer = try container.decode(OptimizerSpec.self, forKey: .optimizer)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        length = try container.decode(TrainingLength.self, forKey: .length)
        evalEvery = try container.decode(Int.self, forKey: .evalEvery)
        warmupIterations = try container.decode(Int.self, forKey: .warmupIterations)
        drops = try container.decode([LearningRateDrop].self, forKey: .drops)
        kernels = try container.decodeIfPresent(KernelChoice.self, forKey: .kernels) ?? .auto
    }

    /// The learning rate used for the update of iteration `iteration` (0-based).
    public func learningRate(at iteration: Int) -> Double {
        var rate = optimizer.learningRate
        for drop in drops where iteration >= drop.iteration {
            rate *= drop.factor
        }
        if warmupIterations > 0 && iteration < warmupIterations {
            rate *= Double(iteration + 1) / Double(warmupIterations)
        }
        return rate
    }
}
