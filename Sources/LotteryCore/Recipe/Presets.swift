/// A model with the paper's training protocol for it (LTH_PROTOCOL.md, Figure 2).
/// A sweep that names a preset gets all of this and overrides what it wants.
public struct Preset: Sendable {
    public let model: ModelSpec
    /// The dataset the paper trained this model on.
    public let paperDataset: String
    public let training: TrainingSpec
    public let pruning: PruningSpec
    /// One line for `--help` texts and docs.
    public let summary: String

    public var name: String { model.name }

    /// Every preset, by name. A new model is one entry here (and, if it needs new
    /// layers, their implementation in the trainer).
    public static let all: [Preset] = [lenet300100, conv2, conv4, conv6, resnet18, vgg19]

    public static func named(_ name: String) -> Preset? {
        all.first { $0.name == name }
    }

    /// LeNet-300-100: 784-300-100-10, Adam 1.2e-3, 50K iterations at batch 60,
    /// fc layers pruned 20% per round and the output layer 10%.
    public static let lenet300100 = Preset(
        model: ModelSpec(name: "lenet-300-100", layers: [.dense(units: 300), .dense(units: 100)]),
        paperDataset: "mnist",
        training: TrainingSpec(optimizer: .adam(1.2e-3), batchSize: 60, length: .iterations(50_000), evalEvery: 100),
        pruning: PruningSpec(scope: .layerwise, rates: LayerRates(fc: 0.2, output: 0.1)),
        summary: "LeNet-300-100 (784-300-100-10), Adam 1.2e-3, 50K iterations at batch 60, fc 20% / output 10% per round")

    public static let conv2 = convPreset(
        blocks: [64], learningRate: 2e-4, iterations: 20_000, convRate: 0.1)
    public static let conv4 = convPreset(
        blocks: [64, 128], learningRate: 3e-4, iterations: 25_000, convRate: 0.1)
    public static let conv6 = convPreset(
        blocks: [64, 128, 256], learningRate: 3e-4, iterations: 30_000, convRate: 0.15)

    /// The paper's Conv-2/4/6: per block two 3×3 convolutions and a 2×2 max-pool,
    /// then fc 256, 256 and the output layer.
    private static func convPreset(blocks: [Int], learningRate: Double, iterations: Int, convRate: Double) -> Preset {
        var layers: [LayerSpec] = []
        for channels in blocks {
            layers += [.conv3x3(channels: channels), .conv3x3(channels: channels), .maxPool2x2]
        }
        layers += [.dense(units: 256), .dense(units: 256)]
        let name = "conv-\(2 * blocks.count)"
        return Preset(
            model: ModelSpec(name: name, layers: layers),
            paperDataset: "cifar10",
            training: TrainingSpec(optimizer: .adam(learningRate), batchSize: 60,
                                   length: .iterations(iterations), evalEvery: 100),
            pruning: PruningSpec(scope: .layerwise, rates: LayerRates(conv: convRate, fc: 0.2, output: 0.1)),
            summary: "\(name) (\(blocks.map { "\($0),\($0),pool" }.joined(separator: ",")),256,256,10), Adam \(learningRate), "
                + "\(iterations / 1000)K iterations at batch 60, conv \(Int(convRate * 100))% / fc 20% / output 10% per round")
    }

    /// The paper's "ResNet-18": He et al.'s ResNet for CIFAR-10 with 3 stages of 3
    /// basic blocks (open_lth's `cifar_resnet_20`; 20 layers counting the stem and
    /// the output). 16 channels in a stem convolution, blocks of 16, 32 and 64
    /// channels (stages 2 and 3 start with stride 2), global average pool, fc 10.
    /// SGD with momentum 0.9 at lr 0.1, ÷10 at 20K and 25K of 30K iterations at
    /// batch 128; global pruning of every convolution at 20% per round, the fc
    /// layer dense. Weight decay 1e-4 (docs/TRAINER.md says why).
    public static let resnet18 = Preset(
        model: ModelSpec(name: "resnet-18", layers: [.convBN(channels: 16, stride: 1)]
            + [16, 32, 64].enumerated().flatMap { stage, channels -> [LayerSpec] in
                (0..<3).map { block in .residualBlock(channels: channels, stride: stage > 0 && block == 0 ? 2 : 1) }
            }
            + [.globalAveragePool]),
        paperDataset: "cifar10",
        training: TrainingSpec(
            optimizer: OptimizerSpec(kind: .momentum, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4),
            batchSize: 128, length: .iterations(30_000), evalEvery: 100,
            drops: [LearningRateDrop(iteration: 20_000, factor: 0.1), LearningRateDrop(iteration: 25_000, factor: 0.1)]),
        pruning: PruningSpec(scope: .global, rates: LayerRates(conv: 0.2)),
        summary: "ResNet-18 of the paper, the CIFAR ResNet (16, 3×[16,16], 3×[32,32], 3×[64,64], avg-pool, 10), "
            + "SGD momentum 0.9, lr 0.1 ÷10 at 20K and 25K, 30K iterations at batch 128, global conv 20% per round")

    /// VGG-19 for CIFAR-10 (open_lth's `cifar_vgg_19`): 3×3 convolutions each with
    /// batch normalization and ReLU, 64, 64, pool, 128, 128, pool, 4×256, pool,
    /// 4×512, pool, 4×512, global average pool, fc 10. SGD with momentum 0.9 at lr
    /// 0.1 for 160 epochs of CIFAR-10's 45,000 training images at batch 64 (112,480
    /// iterations), ÷10 at epochs 80 and 120 (iterations 56,240 and 84,360); global
    /// pruning of every convolution at 20% per round, the fc layer dense.
    public static let vgg19 = Preset(
        model: ModelSpec(name: "vgg-19", layers: [[64, 64], [128, 128], [256, 256, 256, 256], [512, 512, 512, 512],
                                                  [512, 512, 512, 512]]
            .enumerated().flatMap { index, block -> [LayerSpec] in
                (index > 0 ? [.maxPool2x2] : []) + block.map { .convBN(channels: $0, stride: 1) }
            }
            + [.globalAveragePool]),
        paperDataset: "cifar10",
        training: TrainingSpec(
            optimizer: OptimizerSpec(kind: .momentum, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4),
            batchSize: 64, length: .iterations(112_480), evalEvery: 100,
            drops: [LearningRateDrop(iteration: 56_240, factor: 0.1), LearningRateDrop(iteration: 84_360, factor: 0.1)]),
        pruning: PruningSpec(scope: .global, rates: LayerRates(conv: 0.2)),
        summary: "VGG-19 for CIFAR-10 (2×64, pool, 2×128, pool, 4×256, pool, 4×512, pool, 4×512, avg-pool, 10, "
            + "batch norm), SGD momentum 0.9, lr 0.1 ÷10 at epochs 80 and 120, 160 epochs (112,480 iterations) "
            + "at batch 64, global conv 20% per round")
}
