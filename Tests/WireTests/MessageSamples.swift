import LotteryCore
import Wire

/// One of every message, with every optional part used, for round-trip and fuzz tests.
enum MessageSamples {
    static let recipe = TrialRecipe(
        model: Preset.lenet300100.model,
        data: DataSpec(dataset: "fashion-mnist", validationSize: 5_000, splitSeed: 1),
        training: {
            var training = Preset.lenet300100.training
            training.kernels = .sparse  // not the default, so it is written and read
            return training
        }(),
        seed: 18_446_744_073_709_551_557,  // near UInt64.max: must survive JSON exactly
        start: .prune(Preset.lenet300100.pruning),
        reset: .rewind(iteration: 500))

    static let summary = RunSummary(
        iterations: 50_000, earlyStopIteration: 12_300, minValidationLoss: 0.061, earlyStopTestAccuracy: 0.981,
        finalValidationLoss: 0.07, finalValidationAccuracy: 0.979, finalTestLoss: 0.08, finalTestAccuracy: 0.978,
        earlyStopTrainAccuracy: 0.9934, earlyStopTrainLoss: 0.021, finalTrainAccuracy: 1, finalTrainLoss: 0.0004,
        layers: [LayerDensity(name: "fc1", kind: .fc, remaining: 188_160, total: 235_200),
                 LayerDensity(name: "output", kind: .output, remaining: 900, total: 1_000)],
        seconds: 93.5)

    static let mask = Artifact.mask((0 ..< 1_000).map { $0 % 3 != 0 })
    static let weights = Artifact.weights((0 ..< 500).map { Float($0) / 7 })
    static let rewind = Artifact.weights((0 ..< 500).map { -Float($0) })
    static let digest = SHA256.hash(Array("fashion-mnist".utf8))

    static let all: [WireMessage] = [
        .hello(.init(worker: "node-7", host: "node-7.cluster", slots: 2, threads: 1,
                     datasets: ["fashion-mnist": digest, "mnist": SHA256.hash([1])],
                     files: ["fashion-mnist": ["t10k-labels-idx1-ubyte": SHA256.hash([2]), "train-images-idx3-ubyte": SHA256.hash([3])]],
                     running: [.init(lease: "L-1", trial: "t-abc", attempt: 2)])),
        .ready(.init(free: 2)),
        .fetch(.init(sha256: [mask.sha256, weights.sha256])),
        .metrics(.init(lease: "L-1", trial: "t-abc", attempt: 2, points: [
            Evaluation(iteration: 0, split: .validation, loss: 2.3, accuracy: 0.1),
            Evaluation(iteration: 100, split: .test, loss: 0.5, accuracy: 0.85),
        ])),
        .result(.init(lease: "L-1", trial: "t-abc", attempt: 2, summary: summary,
                      artifacts: [.mask: mask, .finalWeights: weights, .rewindWeights: rewind])),
        .failed(.init(lease: "L-1", trial: "t-abc", attempt: 2, error: "dataset file truncated", retryable: false)),
        .bye,
        .welcome(.init(coordinator: "c-5f2e", sweep: "lenet-imp")),
        .assign(.init(lease: "L-2", trial: "t-def", attempt: 1, recipe: recipe,
                      artifacts: [.parentMask: .inline(mask), .parentWeights: .inline(weights),
                                  .rewindWeights: .byDigest(rewind.reference)])),
        .artifacts(.init(artifacts: [mask, rewind], missing: [digest])),
        .ack(TrialAttempt(trial: "t-abc", attempt: 2)),
        .cancel(.init(lease: "L-1", trial: "t-abc", attempt: 2, reason: "lease lapsed")),
        .reject(.init(reason: .version, detail: "worker speaks 2")),
        .drain,
        .shutdown,
        .heartbeat,
    ]
}
