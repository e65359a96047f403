import LotteryCore
import Testing

@testable import Trainer

/// Passes whose items are each computed on their own (planes, channels, kernel
/// pairs, weights) share them between a trial's lanes and must give the floats one
/// lane gives, so that a trial's numbers do not depend on how its work was split.
struct LanesTests {
    private func random(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(generator.nextUnitDouble() * 2 - 1) }
    }

    /// Max-pooling takes planes: the same outputs, winners and ∂x.
    @Test(arguments: [2, 3])
    func maxPoolingSplitsPlanes(lanes: Int) {
        let shape = ActivationShape(channels: 3, height: 7, width: 6), rows = 4
        var generator = SeededGenerator(seed: 1, stream: "pool-lanes")
        let x = random(rows * shape.features, &generator)
        func run(_ lanes: Int) -> [[Float]] {
            let layer = MaxPoolLayer(input: shape, capacity: rows)
            var y = [Float](repeating: .nan, count: rows * layer.outputFeatures)
            var dy = (0..<y.count).map { Float($0 % 11) - 5 }
            var dx = [Float](repeating: .nan, count: x.count)
            Lanes.with(lanes) {
                layer.forward(x, into: &y, rows: rows, training: true)
                layer.backward(input: x, output: y, outputGradient: &dy, inputGradient: &dx, rows: rows)
            }
            return [y, dx]
        }
        let alone = run(1)
        #expect(run(lanes) == alone)
        #expect(!alone[1].contains { $0.isNaN })
    }

    /// A convolution layer's bias gradient is a sum per channel: lanes take channels.
    @Test(arguments: [2, 3])
    func convolutionBiasGradientSplitsChannels(lanes: Int) {
        let shape = ActivationShape(channels: 2, height: 5, width: 6), rows = 3
        var generator = SeededGenerator(seed: 2, stream: "bias-lanes")
        let x = random(rows * shape.features, &generator)
        let weight = random(5 * 2 * 9, &generator), bias = random(5, &generator)
        func run(_ lanes: Int) -> [[Float]] {
            let layer = ConvolutionLayer(name: "conv1", input: shape, outputChannels: 5, capacity: rows)
            layer.weight.value.pointer.update(from: weight, count: weight.count)
            layer.bias.value.pointer.update(from: bias, count: bias.count)
            var y = [Float](repeating: .nan, count: rows * layer.outputFeatures)
            var dy = (0..<y.count).map { Float($0 % 7) * 0.25 - 0.75 }
            var dx = [Float](repeating: .nan, count: x.count)
            Lanes.with(lanes) {
                layer.forward(x, into: &y, rows: rows, training: true)
                layer.backward(input: x, output: y, outputGradient: &dy, inputGradient: &dx, rows: rows)
            }
            return [y, dy, dx, layer.bias.gradient.array]
        }
        let alone = run(1)
        #expect(run(lanes) == alone)
        #expect(alone[0].contains(0) && alone[0].contains { $0 > 0 })
    }

    /// The optimizers take whole vectors of a large tensor each, masked or not.
    @Test(arguments: [OptimizerSpec.adam(0.01),
                      OptimizerSpec(kind: .sgd, learningRate: 0.1, weightDecay: 1e-3),
                      OptimizerSpec(kind: .momentum, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3)],
          [2, 3])
    func optimizersSplitLargeTensors(spec: OptimizerSpec, lanes: Int) {
        // Above the size that is shared, and not a whole number of vectors.
        let count = Optimizer.smallestShared + 21
        var generator = SeededGenerator(seed: 3, stream: "optimizer-lanes")
        let initial = random(count, &generator)
        let gradients = (0..<3).map { _ in random(count, &generator) }
        func run(_ lanes: Int) -> [Float] {
            let weight = Parameter(name: "fc1.weight", layerName: "fc1", role: .weight, kind: .fc, count: count)
            let bias = Parameter(name: "fc1.bias", layerName: "fc1", role: .bias, kind: nil, count: count)
            for parameter in [weight, bias] { parameter.value.pointer.update(from: initial, count: count) }
            for i in stride(from: 0, to: count, by: 5) { weight.mask!.pointer[i] = 0 }
            weight.applyMask()
            let optimizer = Optimizer(spec, parameters: [weight, bias])
            for gradient in gradients {
                for parameter in [weight, bias] { parameter.gradient.pointer.update(from: gradient, count: count) }
                Lanes.with(lanes) { optimizer.step(learningRate: spec.learningRate) }
            }
            return weight.value.array + bias.value.array
        }
        let alone = run(1)
        #expect(run(lanes) == alone)
        #expect(alone[0] == 0 && alone[1] != initial[1])
    }
}
