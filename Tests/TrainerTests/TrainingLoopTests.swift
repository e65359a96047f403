import LotteryCore
import TestSupport
import Testing

@testable import Trainer

struct TrainingLoopTests {
    @Test func theSameSeedGivesIdenticalMetricsTwice() throws {
        let dataset = try syntheticDataset()
        let a = try TrialRunner.run(tinyRecipe(seed: 5), inputs: TrialInputs(), dataset: dataset)
        let b = try TrialRunner.run(tinyRecipe(seed: 5), inputs: TrialInputs(), dataset: dataset)
        let c = try TrialRunner.run(tinyRecipe(seed: 6), inputs: TrialInputs(), dataset: dataset)
        #expect(a.evaluations == b.evaluations)
        #expect(a.finalWeights == b.finalWeights)
        #expect(a.evaluations != c.evaluations)
    }

    @Test func evaluatesAtZeroEveryIntervalAndTheEnd() throws {
        let dataset = try syntheticDataset()
        let outcome = try TrialRunner.run(tinyRecipe(training: tinyTraining(iterations: 25, evalEvery: 10)),
                                          inputs: TrialInputs(), dataset: dataset)
        let iterations = outcome.evaluations.filter { $0.split == .validation }.map(\.iteration)
        #expect(iterations == [0, 10, 20, 25])
        #expect(outcome.evaluations.filter { $0.split == .test }.map(\.iteration) == iterations)
        // Each evaluation: the training sample where measured, validation, test.
        #expect(outcome.evaluations.filter { $0.split != .train }.map(\.split)
            == Array(repeating: [Split.validation, .test], count: 4).flatMap { $0 })
        #expect(outcome.evaluations.first?.split == .train && outcome.evaluations.last?.split == .test)
        #expect(outcome.summary.iterations == 25)
    }

    /// The training sample is measured at iteration 0, at every new minimum of the
    /// validation loss (each a possible early stop) and at the end: exactly the points
    /// the summary can take, and never where validation got worse.
    @Test func theTrainingSampleIsMeasuredWhereTheSummaryCanNeedIt() throws {
        let dataset = try syntheticDataset()
        let outcome = try TrialRunner.run(tinyRecipe(training: tinyTraining(iterations: 200, optimizer: .adam(0.1), evalEvery: 5)),
                                          inputs: TrialInputs(), dataset: dataset)
        let validation = outcome.evaluations.filter { $0.split == .validation }
        var expected: [Int] = []
        var best: Double?
        for point in validation {
            let newMinimum = best.map { point.loss < $0 } ?? true
            if newMinimum { best = point.loss }
            if newMinimum || point.iteration == 200 { expected.append(point.iteration) }
        }
        let measured = outcome.evaluations.filter { $0.split == .train }.map(\.iteration)
        #expect(measured == expected)
        // A run long enough to overfit skips some, or this test shows nothing.
        #expect(measured.count < validation.count)
        let summary = outcome.summary
        let atEarlyStop = try #require(outcome.evaluations.first { $0.split == .train && $0.iteration == summary.earlyStopIteration })
        #expect(summary.earlyStopTrainAccuracy == atEarlyStop.accuracy)
        #expect(summary.finalTrainAccuracy == outcome.evaluations.last { $0.split == .train }?.accuracy)
        #expect(!summary.earlyStopGeneralizationGap.isNaN && !summary.finalGeneralizationGap.isNaN)
    }

    /// Training accuracy is measured on the fixed sample, with the network as it is (no
    /// gradients, nothing changed): evaluating the final weights on the sample again gives
    /// the last training point exactly.
    @Test func theTrainingSplitIsTheFixedSampleEvaluatedAsIs() throws {
        let dataset = try syntheticDataset()
        let outcome = try TrialRunner.run(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        let (network, _) = try TrialRunner.prepare(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        try outcome.finalWeights.load(into: network)
        let again = Batcher(dataset: dataset, network: network)
            .evaluate(indices: TrainingSample.indices(of: dataset), from: dataset.trainFile, iteration: 50, split: .train)
        let last = try #require(outcome.evaluations.last { $0.split == .train })
        #expect(again == last)
        #expect(outcome.summary.finalTrainAccuracy == last.accuracy)
        #expect(outcome.summary.finalTrainLoss == last.loss)
    }

    /// The summary's training figures from a made-up evaluation list: the early-stop
    /// iteration is 10 (minimum validation loss), the end is 20.
    @Test func theSummaryTakesTrainingAccuracyAtEarlyStopAndAtTheEnd() {
        func points(_ iteration: Int, train: Double, validationLoss: Double, test: Double) -> [Evaluation] {
            [Evaluation(iteration: iteration, split: .train, loss: 1 - train, accuracy: train),
             Evaluation(iteration: iteration, split: .validation, loss: validationLoss, accuracy: 0.5),
             Evaluation(iteration: iteration, split: .test, loss: 2, accuracy: test)]
        }
        let evaluations = points(0, train: 0.125, validationLoss: 2, test: 0.0625)
            + points(10, train: 0.875, validationLoss: 0.25, test: 0.75)
            + points(20, train: 1, validationLoss: 0.5, test: 0.6875)
        let summary = RunSummary(evaluations: evaluations, iterations: 20, densities: [], seconds: 1)
        #expect(summary.earlyStopIteration == 10)
        #expect(summary.earlyStopTestAccuracy == 0.75)
        #expect(summary.earlyStopTrainAccuracy == 0.875)
        #expect(summary.earlyStopTrainLoss == 0.125)
        #expect(summary.earlyStopGeneralizationGap == 0.125)
        #expect(summary.finalTrainAccuracy == 1)
        #expect(summary.finalTrainLoss == 0)
        #expect(summary.finalGeneralizationGap == 0.3125)

        // Without training points (as before they were measured): NaN, and so is the gap.
        let old = RunSummary(evaluations: evaluations.filter { $0.split != .train }, iterations: 20, densities: [], seconds: 1)
        #expect(old.earlyStopTestAccuracy == 0.75)
        #expect(old.earlyStopTrainAccuracy.isNaN && old.finalTrainAccuracy.isNaN)
        #expect(old.earlyStopGeneralizationGap.isNaN && old.finalGeneralizationGap.isNaN)
    }

    @Test func earlyStopIsTheIterationOfMinimumValidationLoss() throws {
        let dataset = try syntheticDataset()
        let outcome = try TrialRunner.run(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        let validation = outcome.evaluations.filter { $0.split == .validation }
        let best = validation.min { $0.loss < $1.loss }!
        #expect(outcome.summary.earlyStopIteration == best.iteration)
        #expect(outcome.summary.minValidationLoss == best.loss)
        let testThere = outcome.evaluations.first { $0.split == .test && $0.iteration == best.iteration }!
        #expect(outcome.summary.earlyStopTestAccuracy == testThere.accuracy)
        #expect(outcome.summary.finalTestAccuracy == outcome.evaluations.last!.accuracy)
    }

    @Test func epochsAreWholeBatchesOfTheTrainingSplit() {
        #expect(TrainingLength.epochs(160).iterations(trainExamples: 45_000, batchSize: 64) == 112_480)
        #expect(TrainingLength.epochs(2).iterations(trainExamples: 55_000, batchSize: 60) == 1_832)
    }

    @Test func keepsTheWeightsOfTheRewindIteration() throws {
        let dataset = try syntheticDataset()
        let zero = try TrialRunner.run(tinyRecipe(keepWeightsAt: 0), inputs: TrialInputs(), dataset: dataset)
        let (theta0, _) = try TrialRunner.prepare(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        #expect(zero.keptWeights == Weights(of: theta0))
        let later = try TrialRunner.run(tinyRecipe(keepWeightsAt: 10), inputs: TrialInputs(), dataset: dataset)
        let short = try TrialRunner.run(tinyRecipe(training: tinyTraining(iterations: 10)), inputs: TrialInputs(),
                                        dataset: dataset)
        #expect(later.keptWeights == short.finalWeights)
    }

    @Test func rejectsRunsThatCannotTrain() throws {
        let dataset = try syntheticDataset()
        #expect(throws: TrainerError.self) {
            try TrialRunner.run(tinyRecipe(training: tinyTraining(iterations: 0)), inputs: TrialInputs(), dataset: dataset)
        }
        #expect(throws: TrainerError.self) {
            try TrialRunner.run(tinyRecipe(keepWeightsAt: 51), inputs: TrialInputs(), dataset: dataset)
        }
        #expect(throws: TrainerError.self) {
            try TrialRunner.run(tinyRecipe(training: tinyTraining(batch: 5_000)), inputs: TrialInputs(), dataset: dataset)
        }
    }

    /// Real data: the paper's Conv-2 with its own protocol (Adam 2e-4, batch 60) on
    /// a slice of Fashion-MNIST, 80 iterations: far above the 10% of chance.
    /// Trains on a thread of its own, not one of the two the async tests share.
    @Test(.needsFashionMNIST) func convTwoLearnsFashionMNIST() async throws {
        let spec = DataSpec(dataset: "fashion-mnist", path: fashionMNISTFolder)
        let dataset = try fashionMNISTSlice(train: 3_000, test: 500, validation: 500)
        var training = Preset.conv2.training
        training.length = .iterations(80)
        training.evalEvery = 80
        let recipe = TrialRecipe(model: Preset.conv2.model, data: spec, training: training, seed: 0)
        let outcome = try await onOwnThread { try TrialRunner.run(recipe, inputs: TrialInputs(), dataset: dataset) }
        let first = outcome.evaluations.first { $0.split == .test }!
        #expect(first.accuracy < 0.3)
        #expect(outcome.summary.finalTestAccuracy > 0.65)
        #expect(outcome.summary.layers.map(\.name) == ["conv1", "conv2", "fc1", "fc2", "output"])
    }

    /// Real data: the paper's ResNet-18 with its own optimizer (SGD with momentum
    /// 0.9 at lr 0.1, weight decay 1e-4, batch normalization in every layer) on a
    /// slice of Fashion-MNIST: single-channel 28×28 images, which its stages take to
    /// 14×14 and 7×7. 100 iterations at batch 24 instead of 128, to keep it short.
    @Test(.needsFashionMNIST) func resnetEighteenLearnsFashionMNIST() async throws {
        let spec = DataSpec(dataset: "fashion-mnist", path: fashionMNISTFolder)
        let dataset = try fashionMNISTSlice(train: 3_400, test: 400, validation: 400)
        var training = Preset.resnet18.training
        training.batchSize = 24
        training.length = .iterations(100)
        training.evalEvery = 100
        let recipe = TrialRecipe(model: Preset.resnet18.model, data: spec, training: training, seed: 0)
        let outcome = try await onOwnThread { try TrialRunner.run(recipe, inputs: TrialInputs(), dataset: dataset) }
        let first = outcome.evaluations.first { $0.split == .test }!
        #expect(first.accuracy < 0.3)
        #expect(outcome.summary.finalTestAccuracy > 0.6)  // 0.70 here (Prescott kernel), from 0.105
        // Projections follow their block's two convolutions, named after the first.
        #expect(outcome.summary.layers.map(\.name) == ["conv1", "conv2", "conv3", "conv4", "conv5", "conv6", "conv7",
                                                       "conv8", "conv9", "conv8.shortcut", "conv10", "conv11", "conv12",
                                                       "conv13", "conv14", "conv15", "conv14.shortcut", "conv16",
                                                       "conv17", "conv18", "conv19", "output"])
    }

    /// The first examples of Fashion-MNIST's training and test files.
    private func fashionMNISTSlice(train: Int, test: Int, validation: Int) throws -> Dataset {
        let full = try DatasetCache.shared.dataset(for: DataSpec(dataset: "fashion-mnist", path: fashionMNISTFolder))
        func slice(_ examples: Examples, _ count: Int) -> Examples {
            Examples(pixels: Array(examples.pixels[0..<(count * examples.featuresPerExample)]),
                     labels: Array(examples.labels[0..<count]), featuresPerExample: examples.featuresPerExample)
        }
        return try Dataset(info: full.info, folder: full.folder, trainFile: slice(full.trainFile, train),
                           test: slice(full.test, test), validationSize: validation, splitSeed: 0)
    }

    /// Real data: LeNet-300-100 on Fashion-MNIST for 300 iterations gets far above
    /// the 10% of chance (it reaches about 80%).
    @Test(.needsFashionMNIST) func learnsFashionMNIST() throws {
        let spec = DataSpec(dataset: "fashion-mnist", path: fashionMNISTFolder)
        let dataset = try DatasetCache.shared.dataset(for: spec)
        #expect(dataset.trainIndices.count == 55_000)
        #expect(dataset.validationIndices.count == 5_000)
        #expect(dataset.test.count == 10_000)
        var training = Preset.lenet300100.training
        training.length = .iterations(300)
        training.evalEvery = 300
        let recipe = TrialRecipe(model: Preset.lenet300100.model, data: spec, training: training, seed: 0)
        let outcome = try TrialRunner.run(recipe, inputs: TrialInputs(), dataset: dataset)
        let first = outcome.evaluations.first { $0.split == .test }!
        #expect(first.accuracy < 0.3)
        #expect(outcome.summary.finalTestAccuracy > 0.7)
        #expect(outcome.summary.finalValidationLoss < first.loss / 2)
        // Training accuracy on the 5,000-example sample, at iterations 0 and 300.
        #expect(TrainingSample.indices(of: dataset).count == 5_000)
        #expect(outcome.evaluations.filter { $0.split == .train }.map(\.iteration) == [0, 300])
        #expect(outcome.summary.finalTrainAccuracy > 0.7)
        #expect(abs(outcome.summary.finalGeneralizationGap) < 0.1)
    }
}

import CFloatControl

@Suite struct FloatControlTests {
    /// Training flushes subnormals to zero, and gives the thread back as it found it:
    /// other code on a reused pool thread must see subnormals as usual.
    @Test func trainingLeavesTheThreadsFloatingPointSettingAsItWas() throws {
        let before = lottery_denormals_are_flushed()
        var observed: Int32 = -1
        let dataset = try syntheticDataset()
        _ = try TrialRunner.run(tinyRecipe(training: tinyTraining(iterations: 5, evalEvery: 5)), inputs: TrialInputs(),
                                dataset: dataset, onEvaluation: { _ in observed = lottery_denormals_are_flushed() })
        #expect(lottery_denormals_are_flushed() == before)
        #if arch(x86_64) || arch(arm64)
        #expect(observed == 1)
        #endif
    }
}
