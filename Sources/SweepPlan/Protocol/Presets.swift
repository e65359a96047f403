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
    public static let all: [Preset] = [lenet300100, conv2, conv4, conv6]

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
}
