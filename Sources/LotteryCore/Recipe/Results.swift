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
    /// Accuracy and loss on the fixed sample of training examples (docs/TRAINER.md) at the
    /// early-stop iteration and at the end. NaN when not measured: results from before
    /// training accuracy was measured lack them, and decode with NaN here.
    public var earlyStopTrainAccuracy: Double
    public var earlyStopTrainLoss: Double
    public var finalTrainAccuracy: Double
    public var finalTrainLoss: Double
    /// Prunable weights per layer; biases are not counted.
    public var layers: [LayerDensity]
    /// Wall-clock seconds spent training and evaluating.
    public var seconds: Double

    public init(iterations: Int, earlyStopIteration: Int, minValidationLoss: Double, earlyStopTestAccuracy: Double,
                finalValidationLoss: Double, finalValidationAccuracy: Double, finalTestLoss: Double,
                finalTestAccuracy: Double, earlyStopTrainAccuracy: Double = .nan, earlyStopTrainLoss: Double = .nan,
                finalTrainAccuracy: Double = .nan, finalTrainLoss: Double = .nan,
                layers: [LayerDensity], seconds: Double) {
        self.iterations = iterations
        self.earlyStopIteration = earlyStopIteration
        self.minValidationLoss = minValidationLoss
        self.earlyStopTestAccuracy = earlyStopTestAccuracy
        self.finalValidationLoss = finalValidationLoss
        self.finalValidationAccuracy = finalValidationAccuracy
        self.finalTestLoss = finalTestLoss
        self.finalTestAccuracy = finalTestAccuracy
        self.earlyStopTrainAccuracy = earlyStopTrainAccuracy
        self.earlyStopTrainLoss = earlyStopTrainLoss
        self.finalTrainAccuracy = finalTrainAccuracy
        self.finalTrainLoss = finalTrainLoss
        self.layers = layers
        self.seconds = seconds
    }

    /// Percentage of all prunable weights remaining, 0–100.
    public var percentRemaining: Double {
        let total = layers.reduce(0) { $0 + $1.total }
        let remaining = layers.reduce(0) { $0 + $1.remaining }
        return total == 0 ? 100 : 100 * Double(remaining) / Double(total)
    }

    /// The generalization gap at the early-stop iteration: training accuracy (on the
    /// training sample) less test accuracy, a fraction in [−1, 1]; NaN when training
    /// accuracy was not measured.
    public var earlyStopGeneralizationGap: Double { earlyStopTrainAccuracy - earlyStopTestAccuracy }

    /// The generalization gap at the end of training (train − test accuracy); NaN when
    /// training accuracy was not measured.
    public var finalGeneralizationGap: Double { finalTrainAccuracy - finalTestAccuracy }
}

extension RunSummary {
    private enum CodingKeys: String, CodingKey {
        case iterations, earlyStopIteration, minValidationLoss, earlyStopTestAccuracy, finalValidationLoss,
             finalValidationAccuracy, finalTestLoss, finalTestAccuracy, earlyStopTrainAccuracy, earlyStopTrainLoss,
             finalTrainAccuracy, finalTrainLoss, layers, seconds
    }

    /// The synthesized form, except that the training-sample fields may be missing (or
    /// null): journals and messages from before they existed decode with NaN there.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func optional(_ key: CodingKeys) throws -> Double { try container.decodeIfPresent(Double.self, forKey: key) ?? .nan }
        self.init(
            iterations: try container.decode(Int.self, forKey: .iterations),
            earlyStopIteration: try container.decode(Int.self, forKey: .earlyStopIteration),
            minValidationLoss: try container.decode(Double.self, forKey: .minValidationLoss),
            earlyStopTestAccuracy: try container.decode(Double.self, forKey: .earlyStopTestAccuracy),
            finalValidationLoss: try container.decode(Double.self, forKey: .finalValidationLoss),
            finalValidationAccuracy: try container.decode(Double.self, forKey: .finalValidationAccuracy),
            finalTestLoss: try container.decode(Double.self, forKey: .finalTestLoss),
            finalTestAccuracy: try container.decode(Double.self, forKey: .finalTestAccuracy),
            earlyStopTrainAccuracy: try optional(.earlyStopTrainAccuracy),
            earlyStopTrainLoss: try optional(.earlyStopTrainLoss),
            finalTrainAccuracy: try optional(.finalTrainAccuracy),
            finalTrainLoss: try optional(.finalTrainLoss),
            layers: try container.decode([LayerDensity].self, forKey: .layers),
            seconds: try container.decode(Double.self, forKey: .seconds))
    }
}
