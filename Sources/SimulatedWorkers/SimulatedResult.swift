import LotteryCore
import Wire

/// Results for simulated workers: a summary and artifacts of the sizes the trial's
/// model needs (the coordinator checks them), with nothing learned in them.
public enum SimulatedResult {
    /// For a multilayer perceptron (`model: {preset: lenet-300-100, hidden: [...]}`) on
    /// `inputs` features and `classes` classes: layers `fc1`, `fc2`, …, `output`, each a
    /// weight matrix and a bias, every weight kept.
    public static func mlp(inputs: Int, hidden: [Int], classes: Int)
        -> @Sendable (WireMessage.Assignment) -> (RunSummary, [ArtifactRole: Artifact]) {
        let sizes = [inputs] + hidden + [classes]
        let layers = (1..<sizes.count).map { index in
            LayerDensity(name: index == sizes.count - 1 ? "output" : "fc\(index)",
                         kind: index == sizes.count - 1 ? .output : .fc,
                         remaining: sizes[index - 1] * sizes[index], total: sizes[index - 1] * sizes[index])
        }
        let prunable = layers.reduce(0) { $0 + $1.total }
        let parameters = prunable + sizes.dropFirst().reduce(0, +)
        let mask = Artifact.mask(Array(repeating: true, count: prunable))
        let weights = Artifact.weights(Array(repeating: 0.01, count: parameters))
        let summary = RunSummary(iterations: 1, earlyStopIteration: 0, minValidationLoss: 1, earlyStopTestAccuracy: 0.5,
                                 finalValidationLoss: 1, finalValidationAccuracy: 0.5, finalTestLoss: 1,
                                 finalTestAccuracy: 0.5, layers: layers, seconds: 0)
        return { assignment in
            var artifacts: [ArtifactRole: Artifact] = [.mask: mask, .finalWeights: weights]
            if assignment.recipe.keepWeightsAt != nil { artifacts[.rewindWeights] = weights }
            return (summary, artifacts)
        }
    }
}
