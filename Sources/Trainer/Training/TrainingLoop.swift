import CFloatControl
import LotteryCore

/// What one training run produced.
public struct TrainingOutcome: Sendable {
    public var summary: RunSummary
    /// Every evaluation, in order: the training sample (where measured: iteration 0, new
    /// minima of the validation loss, the end), validation, then test at each evaluated
    /// iteration.
    public var evaluations: [Evaluation]
    /// The weights after the last iteration.
    public var finalWeights: Weights
    /// The weights after `keepWeightsAt` iterations, when asked for.
    public var keptWeights: Weights?
}

/// Trains a network on a dataset: the paper's loop. Every run trains its full
/// length; validation and test are evaluated at iteration 0, every `evalEvery` iterations
/// and at the end, a fixed sample of the training examples (`TrainingSample`) at those of
/// them where the early stop may fall, and the early-stop iteration is found afterwards.
public struct TrainingLoop {
    public let network: Network
    public let dataset: Dataset
    public let training: TrainingSpec
    /// Seeds the order of the training examples (reshuffled every epoch).
    public let seed: UInt64

    public init(network: Network, dataset: Dataset, training: TrainingSpec, seed: UInt64) {
        self.network = network
        self.dataset = dataset
        self.training = training
        self.seed = seed
    }

    /// Iterations this run will train.
    public var iterations: Int {
        training.length.iterations(trainExamples: dataset.trainIndices.count, batchSize: training.batchSize)
    }

    /// Trains from the network's current weights and mask. `onEvaluation` receives
    /// the training-sample, validation and test points of each evaluation as it happens.
    /// `shouldStop` is asked between iterations; when it says yes the run ends
    /// with `TrainerError.cancelled`.
    public func run(keepWeightsAt: Int? = nil, shouldStop: () -> Bool = { false },
                    onEvaluation: ([Evaluation]) -> Void = { _ in }) throws -> TrainingOutcome {
        let batch = training.batchSize
        let total = iterations
        let trainCount = dataset.trainIndices.count
        guard batch > 0, batch <= network.capacity, batch <= trainCount else {
            throw TrainerError.invalidRun("batch size \(batch) must be between 1 and the \(trainCount) training examples")
        }
        guard total > 0 else {
            throw TrainerError.invalidRun("the run must train at least one iteration (\(training.length))")
        }
        guard training.evalEvery > 0 else {
            throw TrainerError.invalidRun("the evaluation interval must be positive, not \(training.evalEvery)")
        }
        if let keepWeightsAt, keepWeightsAt < 0 || keepWeightsAt > total {
            throw TrainerError.invalidRun("cannot keep the weights of iteration \(keepWeightsAt) of a \(total)-iteration run")
        }
        // Adam's moments drift into subnormal floats; computing on them is many
        // times slower. Flushing them to zero changes no result that matters. The
        // thread's own setting comes back afterwards: it may be a pool thread that
        // runs other code next.
        let savedFloatControl = lottery_flush_denormals_saving()
        defer { lottery_restore_float_control(savedFloatControl) }

        let clock = ContinuousClock()
        let start = clock.now
        // Sparse layers compress their weights first: the optimizer's moments
        // are then made for the kept weights only.
        network.selectKernels(training.kernels)
        let optimizer = Optimizer(training.optimizer, parameters: network.parameters)
        network.seedDropout(seed)
        let batcher = Batcher(dataset: dataset, network: network)
        var order = dataset.trainIndices
        var generator = SeededGenerator(seed: seed, stream: "data-order")
        let batchesPerEpoch = trainCount / batch
        var batchInEpoch = batchesPerEpoch  // forces a shuffle before the first batch
        var evaluations: [Evaluation] = []
        var kept: Weights? = keepWeightsAt == 0 ? Weights(of: network) : nil

        // Training loss and accuracy are measured on the same fixed sample every time,
        // but only where the summary can need them: at iteration 0, wherever the
        // validation loss reaches a new minimum (a candidate early-stop iteration, by the
        // rule `RunSummary` applies afterwards: the first of the smallest) and at the end.
        // Elsewhere they would cost a quarter of every evaluation and change no result.
        let trainingSample = TrainingSample.indices(of: dataset)
        var bestValidationLoss: Double?
        func evaluate(at iteration: Int) {
            let validation = batcher.evaluate(indices: dataset.validationIndices, from: dataset.trainFile,
                                              iteration: iteration, split: .validation)
            let test = batcher.evaluate(indices: nil, from: dataset.test, iteration: iteration, split: .test)
            var candidate = false
            if let loss = validation?.loss, RunSummary.lowers(bestValidationLoss, to: loss) {
                bestValidationLoss = loss
                candidate = true
            }
            let train = iteration == 0 || iteration == total || candidate
                ? batcher.evaluate(indices: trainingSample, from: dataset.trainFile, iteration: iteration, split: .train)
                : nil
            let points = [train, validation, test].compactMap { $0 }
            evaluations += points
            onEvaluation(points)
        }

        evaluate(at: 0)
        for iteration in 0..<total {
            if iteration % 64 == 0, shouldStop() { throw TrainerError.cancelled }
            if batchInEpoch == batchesPerEpoch {
                generator.shuffle(&order)
                batchInEpoch = 0
            }
            order.withUnsafeBufferPointer { indices in
                batcher.load(indices: UnsafeBufferPointer(rebasing: indices[(batchInEpoch * batch)..<((batchInEpoch + 1) * batch)]),
                             from: dataset.trainFile)
            }
            batchInEpoch += 1
            network.forwardBackward(labels: batcher.labels, rows: batch)
            optimizer.step(learningRate: training.learningRate(at: iteration))
            let done = iteration + 1
            if done == keepWeightsAt { kept = Weights(of: network) }
            if done % training.evalEvery == 0 || done == total {
                evaluate(at: done)
            }
        }
        let seconds = (clock.now - start).inSeconds
        return TrainingOutcome(
            summary: RunSummary(evaluations: evaluations, iterations: total, densities: network.densities, seconds: seconds),
            evaluations: evaluations, finalWeights: Weights(of: network), keptWeights: kept)
    }
}

extension RunSummary {
    /// Whether a validation loss is a new early-stop candidate after the best so far
    /// (nil: none yet): strictly lower, so that ties keep the earliest iteration. The
    /// training loop measures the training sample where this holds; the summary takes
    /// its early stop by it.
    static func lowers(_ best: Double?, to loss: Double) -> Bool {
        best.map { loss < $0 } ?? true
    }

    /// The paper's measurements of a run from its evaluations.
    init(evaluations: [Evaluation], iterations: Int, densities: [LayerDensity], seconds: Double) {
        let train = evaluations.filter { $0.split == .train }
        let validation = evaluations.filter { $0.split == .validation }
        let test = evaluations.filter { $0.split == .test }
        // The first iteration of minimum validation loss (in iteration order).
        var best: Evaluation?
        for point in validation.sorted(by: { $0.iteration < $1.iteration }) where Self.lowers(best?.loss, to: point.loss) {
            best = point
        }
        let earlyStop = best?.iteration ?? iterations
        let trainAtEarlyStop = train.first { $0.iteration == earlyStop }
        self.init(
            iterations: iterations,
            earlyStopIteration: earlyStop,
            minValidationLoss: best?.loss ?? .nan,
            earlyStopTestAccuracy: test.first { $0.iteration == earlyStop }?.accuracy ?? .nan,
            finalValidationLoss: validation.last?.loss ?? .nan,
            finalValidationAccuracy: validation.last?.accuracy ?? .nan,
            finalTestLoss: test.last?.loss ?? .nan,
            finalTestAccuracy: test.last?.accuracy ?? .nan,
            earlyStopTrainAccuracy: trainAtEarlyStop?.accuracy ?? .nan,
            earlyStopTrainLoss: trainAtEarlyStop?.loss ?? .nan,
            finalTrainAccuracy: train.last?.accuracy ?? .nan,
            finalTrainLoss: train.last?.loss ?? .nan,
            layers: densities,
            seconds: seconds)
    }
}
