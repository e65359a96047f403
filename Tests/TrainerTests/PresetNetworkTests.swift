import SweepPlan
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

    @Test(arguments: [Preset.lenet300100, .conv2, .conv4, .conv6])
    func theTrainerAndThePlannerCountTheSameTensors(preset: Preset) throws {
        for input in [[3, 32, 32], [1, 28, 28]] {
            let network = try counts(preset, input: input).network
            let planned = preset.model.weightShapes(input: input, classes: 10)
            #expect(network.weights.map(\.layerName) == planned.map(\.name))
            #expect(network.weights.map(\.count) == planned.map(\.count))
            #expect(network.weights.map(\.kind) == planned.map(\.kind))
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

    @Test func evaluationCapacityStaysWithinItsMemoryBudget() {
        #expect(Network.capacity(model: Preset.lenet300100.model, inputShape: [1, 28, 28], batchSize: 60) == 1_000)
        let conv = Network.capacity(model: Preset.conv2.model, inputShape: [3, 32, 32], batchSize: 60)
        #expect(conv >= 60 && conv < 1_000)
        #expect(Network.capacity(model: Preset.conv2.model, inputShape: [3, 32, 32], batchSize: 60,
                                 budgetBytes: 1) == 60)
    }
}
