import Benchmarks
import LotteryCore
import Testing
import Trainer
import Wire

@testable import Worker

/// Weights travel between trials as artifacts of bare floats whose layout comes
/// from the model; batch normalization's running statistics travel with them.
struct ArtifactCodingTests {
    @Test func runningStatisticsSurviveTheArtifactRoundTrip() throws {
        let dataset = try TrainerBenchmark.syntheticDataset(like: .cifar10, count: 4)
        let model = Preset.resnet18.model
        let network = try Network(model: model, inputShape: dataset.info.inputShape, classes: 10, capacity: 1)
        network.initialize(seed: 4)
        for (index, tensor) in network.state.enumerated() { tensor.value.fill(Float(index) + 0.5) }
        let weights = Weights(of: network)
        let artifact = ArtifactCoding.artifact(weights)
        // Every float of the model's state: the paper's "274K" for ResNet-18.
        #expect(artifact.bytes.count == 4 * 274_042)
        let layout = try ArtifactCoding.Layout(model: model, dataset: dataset)
        #expect(try ArtifactCoding.weights(artifact, layout: layout) == weights)

        let other = try Network(model: model, inputShape: dataset.info.inputShape, classes: 10, capacity: 1)
        try ArtifactCoding.weights(artifact, layout: layout).load(into: other)
        #expect(other.state.map(\.value.array) == network.state.map(\.value.array))
        #expect(Weights(of: other) == weights)
    }
}
