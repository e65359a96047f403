import LotteryCore
import Testing

@testable import Trainer

/// The presets as the trainer builds them, against the paper's table
/// (LTH_PROTOCOL.md, Figure 2) and against the planner's own count.
struct PresetNetworkTests {
    private func counts(_ preset: Preset, input: [Int] = [3, 32, 32]) throws -> (all: Int, conv: Int, network: Network) {
        let network = try Network(model: preset.model, inputShape: input, classes: 10, capacity: 1)
        let weights = network.weights
        return (weights.reduce(0) { $0 + $1.count },
                weights.filter { $0.kind == .conv }.reduce(0) { $0 + $1.count }, network)
    }

    @Test func convTwoAndFourHaveThePapersWeights() throws {
        let two = try counts(.conv2)
        #expect(two.all == 4_300_992)        // the paper: 4.3M
        #expect(two.conv == 38_592)          // the paper: 38K
        let four = try counts(.conv4)
        #expect(four.all == 2_425_024)       // 2.4M
        #expect(four.conv == 259_776)        // 260K
    }

    /// The paper's table gives Conv-6 1.7M weights, but the architecture it
    /// describes (1.1M in conv layers, then 4·4·256 → 256 → 256 → 10) has 2.26M:
    /// the first fc layer alone has 1.05M. We build the architecture as described.
    @Test func convSixHasThePapersConvWeightsAndItsArchitecturesTotal() throws {
        let six = try counts(.conv6)
        #expect(six.conv == 1_144_512)       // the paper: 1.1M
        #expect(six.all == 1_144_512 + 4 * 4 * 256 * 256 + 256 * 256 + 256 * 10)
    }

    /// The paper's "ResNet-18" is He et al.'s ResNet for CIFAR-10 with three stages
    /// of three basic blocks (open_lth's `cifar_resnet_20`). Its 3×3 convolutions:
    /// 432 (stem) + 6·2,304 + (4,608 + 5·9,216) + (18,432 + 5·36,864) = 267,696, and
    /// the two projection shortcuts 16·32 + 32·64 = 2,560.
    @Test func resnetEighteenHasThePapersWeights() throws {
        let resnet = try counts(.resnet18)
        #expect(resnet.conv == 270_256)      // the paper: 270K
        #expect(resnet.all == 270_896)       // and the output layer's 640
        // The paper's "274K" counts every float of the PyTorch model's state: the
        // weights, the output bias (10), batch normalization's γ and β (2 × 784
        // channels) and its running mean and variance (2 × 784): 274,042.
        let parameters = resnet.network.parameters.reduce(0) { $0 + $1.count }
        #expect(parameters == 270_896 + 10 + 2 * 784)
        #expect(parameters + resnet.network.state.reduce(0) { $0 + $1.count } == 274_042)
        // Global pruning pools every convolution (shortcuts too) and leaves fc alone.
        #expect(Preset.resnet18.pruning == PruningSpec(scope: .global, rates: LayerRates(conv: 0.2)))
        #expect(resnet.network.weights.filter { $0.kind == .conv }.count == 21)
    }

    @Test func vggNineteenHasThePapersWeights() throws {
        let vgg = try counts(.vgg19)
        #expect(vgg.all == 20_024_000)       // the paper: 20.0M
        #expect(vgg.conv == 20_018_880)      // 16 convolutions; the output layer has 512 × 10
        #expect(vgg.network.weights.filter { $0.kind == .conv }.count == 16)
        #expect(Preset.vgg19.pruning == PruningSpec(scope: .global, rates: LayerRates(conv: 0.2)))
    }

    @Test func resnetOnFashionMNISTStridesDownToSevenBySeven() throws {
        // 28 → 14 → 7 at the first block of stages 2 and 3, then one value per channel.
        let shapes = try Network.activationShapes(model: Preset.resnet18.model, inputShape: [1, 28, 28])
        #expect(shapes[4] == ActivationShape(channels: 16, height: 28, width: 28))
        #expect(shapes[5] == ActivationShape(channels: 32, height: 14, width: 14))
        #expect(shapes[8] == ActivationShape(channels: 64, height: 7, width: 7))
        #expect(shapes[11] == ActivationShape(channels: 64, height: 1, width: 1))
        let vgg = try Network.activationShapes(model: Preset.vgg19.model, inputShape: [3, 32, 32])
        #expect(vgg.last == ActivationShape(channels: 512, height: 1, width: 1))
    }

    @Test(arguments: [Preset.lenet300100, .conv2, .conv4, .conv6, .resnet18, .vgg19])
    func theTrainerAndThePlannerCountTheSameTensors(preset: Preset) throws {
        for input in [[3, 32, 32], [1, 28, 28]] {
            let network = try counts(preset, input: input).network
            let planned = preset.model.weightShapes(input: input, classes: 10)
            #expect(network.weights.map(\.layerName) == planned.map(\.name))
            #expect(network.weights.map(\.count) == planned.map(\.count))
            #expect(network.weights.map(\.kind) == planned.map(\.kind))
        }
    }

    /// The coordinator checks a result's artifacts against the planner's counts without
    /// building a network (`ResultCheck`): they must be the network's, for every preset,
    /// with dropout too, on every dataset's input. A weights artifact holds every
    /// parameter and then every running statistic (the worker's `ArtifactCoding.Layout`);
    /// a mask one bit per prunable weight, layer by layer as the summary lists them.
    @Test(arguments: [Preset.lenet300100, .conv2, .conv4, .conv6, .resnet18, .vgg19])
    func theTrainerAndThePlannerCountTheSameSnapshot(preset: Preset) throws {
        for model in [preset.model, preset.model.withDropout(0.5)] {
            for dataset in DatasetInfo.all {
                let network = try Network(model: model, inputShape: dataset.inputShape, classes: dataset.classes, capacity: 1)
                let values = network.parameters.reduce(0) { $0 + $1.count } + network.state.reduce(0) { $0 + $1.count }
                #expect(model.snapshotValueCount(input: dataset.inputShape, classes: dataset.classes) == values,
                        "\(model.name) on \(dataset.name)")
                let shapes = model.weightShapes(input: dataset.inputShape, classes: dataset.classes)
                #expect(network.densities.map(\.name) == shapes.map(\.name), "\(model.name) on \(dataset.name)")
                #expect(network.densities.map(\.total) == shapes.map(\.count), "\(model.name) on \(dataset.name)")
            }
        }
    }

    @Test func convSixOnFashionMNISTPoolsDownToThreeByThree() throws {
        // 28 → 14 → 7 → 3 (the odd row and column are dropped).
        let shapes = try Network.activationShapes(model: Preset.conv6.model, inputShape: [1, 28, 28])
        #expect(shapes[9] == ActivationShape(channels: 256, height: 3, width: 3))
    }

    @Test func modelsThatDoNotFitTheirInputAreRejectedWithTheLayerNamed() {
        let tooManyPools = ModelSpec(name: "deep", layers: [.maxPool2x2, .maxPool2x2, .maxPool2x2])
        #expect {
            try Network(model: tooManyPools, inputShape: [1, 4, 4], classes: 10, capacity: 1)
        } throws: { "\($0)".contains("layer 3 (max-pool 2×2)") && "\($0)".contains("1×1") }
        let convAfterDense = ModelSpec(name: "odd", layers: [.dense(units: 8), .conv3x3(channels: 4)])
        #expect {
            try Network(model: convAfterDense, inputShape: [1, 4, 4], classes: 10, capacity: 1)
        } throws: { "\($0)".contains("layer 2 (conv3x3 4)") }
    }

    @Test func evaluationCapacityCountsWhatLayersKeepInside() {
        // ResNet's blocks keep four or more activations each besides their output,
        // so 256 MB holds about a hundred 3×32×32 examples, not several hundred.
        let resnet = Network.capacity(model: Preset.resnet18.model, inputShape: [3, 32, 32], batchSize: 16)
        #expect(resnet >= 16 && resnet < 150)
        #expect(Network.capacity(model: Preset.resnet18.model, inputShape: [3, 32, 32], batchSize: 128) == 128)
    }

    @Test func evaluationCapacityStaysWithinItsMemoryBudget() {
        #expect(Network.capacity(model: Preset.lenet300100.model, inputShape: [1, 28, 28], batchSize: 60) == 1_000)
        let conv = Network.capacity(model: Preset.conv2.model, inputShape: [3, 32, 32], batchSize: 60)
        #expect(conv >= 60 && conv < 1_000)
        #expect(Network.capacity(model: Preset.conv2.model, inputShape: [3, 32, 32], batchSize: 60,
                                 budgetBytes: 1) == 60)
    }
}
