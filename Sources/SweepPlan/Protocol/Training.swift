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

    public init(optimizer: OptimizerSpec, batchSize: Int, length: TrainingLength, evalEvery: Int = 100,
                warmupIterations: Int = 0, drops: [LearningRateDrop] = []) {
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.length = length
        self.evalEvery = evalEvery
        self.warmupIterations = warmupIterations
        self.drops = drops
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
