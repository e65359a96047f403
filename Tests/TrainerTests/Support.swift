import Foundation
import LotteryCore
import Testing

@testable import Trainer

/// Small in-memory datasets for fast tests: `classes` classes, each a noisy
/// bright patch at its own place, so a tiny MLP learns them in a few steps.
func syntheticDataset(train: Int = 600, test: Int = 200, side: Int = 8, classes: Int = 4,
                      validation: Int = 100, seed: UInt64 = 1) throws -> Dataset {
    let info = DatasetInfo(name: "synthetic", format: .idx, inputShape: [1, side, side], classes: classes,
                           trainExamples: train, testExamples: test, defaultPath: nil)
    func examples(_ count: Int, stream: String) -> Examples {
        var generator = SeededGenerator(seed: seed, stream: stream)
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        let features = side * side
        for _ in 0..<count {
            let label = generator.nextIndex(below: classes)
            for pixel in 0..<features {
                let inPatch = pixel * classes / features == label
                let noise = generator.nextIndex(below: 96)
                pixels.append(UInt8(inPatch ? 150 + noise : noise))
            }
            labels.append(UInt8(label))
        }
        return Examples(pixels: pixels, labels: labels, featuresPerExample: features)
    }
    return try Dataset(info: info, folder: "(memory)", trainFile: examples(train, stream: "train"),
                       test: examples(test, stream: "test"), validationSize: validation, splitSeed: 3)
}

func tinyTraining(iterations: Int = 50, batch: Int = 20, optimizer: OptimizerSpec = .adam(0.01),
                  evalEvery: Int = 10) -> TrainingSpec {
    TrainingSpec(optimizer: optimizer, batchSize: batch, length: .iterations(iterations), evalEvery: evalEvery)
}

func tinyRecipe(seed: UInt64 = 7, start: TrialRecipe.Start = .dense, reset: ResetSpec = .original,
                keepWeightsAt: Int? = nil, training: TrainingSpec = tinyTraining(),
                model: ModelSpec = .mlp(hidden: [16, 12])) -> TrialRecipe {
    TrialRecipe(model: model, data: DataSpec(dataset: "synthetic"), training: training,
                seed: seed, start: start, reset: reset, keepWeightsAt: keepWeightsAt)
}

/// A residual network in miniature: a normalized stem, a block with a projection
/// shortcut, global average pooling. Small enough for the 8×8 synthetic data.
let tinyResidualModel = ModelSpec(name: "tiny-resnet", layers: [
    .convBN(channels: 4, stride: 1), .residualBlock(channels: 6, stride: 2), .globalAveragePool,
])

/// The folder of Fashion-MNIST that `scripts/install-deps` installs.
let fashionMNISTFolder = "/usr/share/datasets/fashion-mnist"

extension Trait where Self == ConditionTrait {
    /// For tests that train on the real Fashion-MNIST: skipped, saying why, where it is
    /// not installed.
    static var needsFashionMNIST: Self {
        .enabled(if: FileManager.default.fileExists(atPath: fashionMNISTFolder),
                 "Fashion-MNIST is not in \(fashionMNISTFolder): scripts/install-deps installs it")
    }
}
