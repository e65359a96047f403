import LotteryCore
import Testing

@testable import Trainer

struct OptimizerTests {
    @Test(arguments: [OptimizerSpec.adam(0.01), OptimizerSpec(kind: .sgd, learningRate: 0.1, weightDecay: 1e-3),
                      OptimizerSpec(kind: .momentum, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3)])
    func prunedWeightsStayExactlyZeroAndNeverMove(optimizer: OptimizerSpec) throws {
        let dataset = try syntheticDataset()
        let dense = try TrialRunner.run(tinyRecipe(training: tinyTraining(iterations: 30, optimizer: optimizer)),
                                        inputs: TrialInputs(), dataset: dataset)
        let recipe = tinyRecipe(start: .prune(PruningSpec(rates: LayerRates(fc: 0.5, output: 0.5))),
                                training: tinyTraining(iterations: 40, optimizer: optimizer))
        let (network, mask) = try TrialRunner.prepare(
            recipe, inputs: TrialInputs(parentMask: dense.mask, parentWeights: dense.finalWeights), dataset: dataset)
        let loop = TrainingLoop(network: network, dataset: dataset, training: recipe.training, seed: 1)
        _ = try loop.run()
        for (parameter, layer) in zip(network.weights, mask.layers) {
            for i in 0..<parameter.count where layer.keep[i] == 0 {
                #expect(parameter.value[i] == 0)
            }
            #expect(parameter.remaining == layer.remaining)
        }
    }

    @Test func maskedMomentsStayZero() throws {
        let network = try Network(model: .mlp(hidden: [3]), inputShape: [1, 1, 4], classes: 2, capacity: 2)
        network.initialize(seed: 1)
        let mask = network.weights[0].mask!
        mask[0] = 0
        mask[5] = 0
        network.weights[0].applyMask()
        let optimizer = Optimizer(.adam(0.1), parameters: network.parameters)
        for step in 0..<5 {
            for i in 0..<8 { network.input[i] = Float(i + step) * 0.1 }
            let labels: [Int32] = [0, 1]
            labels.withUnsafeBufferPointer { _ = network.forwardBackward(labels: $0.baseAddress!, rows: 2) }
            optimizer.step(learningRate: 0.1)
        }
        let moments = optimizer.moments(of: 0)
        for i in [0, 5] {
            #expect(network.weights[0].value[i] == 0)
            #expect(moments.first![i] == 0)
            #expect(moments.second![i] == 0)
        }
    }

    @Test func adamStepMatchesTheTextbookFormula() throws {
        let network = try Network(model: .mlp(hidden: []), inputShape: [1, 1, 40], classes: 2, capacity: 1)
        network.initialize(seed: 2)
        let weight = network.weights[0]
        for i in 0..<weight.count { weight.gradient[i] = Float(i % 7) * 0.3 - 0.8 }
        let before = weight.value.array
        let gradient = weight.gradient.array
        let optimizer = Optimizer(.adam(1e-2), parameters: [weight])
        optimizer.step(learningRate: 1e-2)
        for i in 0..<weight.count {
            // Step 1: m̂ = g, v̂ = g², so w −= lr · g / (|g| + ε).
            let g = Double(gradient[i])
            let expected = Double(before[i]) - 1e-2 * g / (abs(g) + 1e-8)
            #expect(abs(Double(weight.value[i]) - expected) < 1e-6)
        }
    }

    @Test func learningRateScheduleWarmsUpAndDrops() {
        let spec = TrainingSpec(optimizer: .adam(0.1), batchSize: 1, length: .iterations(100), warmupIterations: 10,
                                drops: [LearningRateDrop(iteration: 50, factor: 0.1)])
        #expect(abs(spec.learningRate(at: 0) - 0.01) < 1e-12)
        #expect(abs(spec.learningRate(at: 9) - 0.1) < 1e-12)
        #expect(abs(spec.learningRate(at: 49) - 0.1) < 1e-12)
        #expect(abs(spec.learningRate(at: 50) - 0.01) < 1e-12)
    }
}
