/// The data split a measurement was taken on.
public enum Split: String, Hashable, Sendable, Codable, CaseIterable {
    case train
    case validation
    case test
}

/// Loss and accuracy on one split at one iteration.
public struct Evaluation: Hashable, Sendable, Codable {
    public var iteration: Int
    public var split: Split
    /// Mean cross-entropy over the split.
    public var loss: Double
    /// Fraction of examples classified correctly, in [0, 1].
    public var accuracy: Double

    public init(iteration: Int, split: Split, loss: Double, accuracy: Double) {
        self.iteration = iteration
        self.split = split
        self.loss = loss
        self.accuracy = accuracy
    }
}

/// How many weights of one prunable tensor survive.
public struct LayerDensity: Hashable, Sendable, Codable {
    public var name: String
    public var kind: LayerKind
    public var remaining: Int
    public var total: Int

    public init(name: String, kind: LayerKind, remaining: Int, total: Int) {
        self.name = name
        self.kind = kind
        self.remaining = remaining
        self.total = total
    }

    /// Percentage of weights remaining, 0–100.
    public var percentRemaining: Double { total == 0 ? 100 : 100 * Double(remaining) / Double(total) }
}

/// What one training run found, in the paper's terms.
public struct RunSummary: Hashable, Sendable, Codable {
    /// Iterations trained.
    public var iterations: Int
    /// The evaluation iteration of minimum validation loss (ties: the earliest).
    public var earlyStopIteration: Int
    public var minValidationLoss: Double
    /// Test accuracy at the early-stop iteration.
    public var earlyStopTestAccuracy: Double
    public var finalValidationLoss: Double
    public var finalValidationAccuracy: Double
    public var finalTestLoss: Double
    public var finalTestAccuracy: Double
    /// Prunable weights per layer; biases are not counted.
    public var layers: [LayerDensity]
    /// Wall-clock seconds spent training and evaluating.
    public var seconds: Double

    public init(iterations: Int, earlyStopIteration: Int, minValidationLoss: Double, earlyStopTestAccuracy: Double,
                finalValidationLoss: Double, finalValidationAccuracy: Double, finalTestLoss: Double,
                finalTestAccuracy: Double, layers: [LayerDensity], seconds: Double) {
        self.iterations = iterations
        self.earlyStopIteration = earlyStopIteration
        self.minValidationLoss = minValidationLoss
        self.earlyStopTestAccuracy = earlyStopTestAccuracy
        self.finalValidationLoss = finalValidationLoss
        self.finalValidationAccuracy = finalValidationAccuracy
        self.finalTestLoss = finalTestLoss
        self.finalTestAccuracy = finalTestAccuracy
        self.layers = layers
        self.seconds = seconds
    }

    /// Percentage of all prunable weights remaining, 0–100.
    public var percentRemaining: Double {
        let total = layers.reduce(0) { $0 + $1.total }
        let remaining = layers.reduce(0) { $0 + $1.remaining }
        return total == 0 ? 100 : 100 * Double(remaining) / Double(total)
    }
}
