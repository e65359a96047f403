import LotteryCore
import Testing

@testable import Trainer

/// Batch normalization's two modes and its running statistics, against the
/// formulas written out (PyTorch's `BatchNorm2d`: momentum 0.1, ε 1e-5, the running
/// variance from the unbiased batch variance).
struct BatchNormalizationTests {
    private let channels = 2, plane = 3, rows = 4

    /// rows × channels × plane values, channel c around 3c − 1 with its own spread.
    private func activations(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed, stream: "bn")
        return (0..<(rows * channels * plane)).map { index in
            let channel = index / plane % channels
            return Float(3 * Double(channel) - 1 + Double(channel + 1) * generator.nextGaussian())
        }
    }

    private func values(of channel: Int, in z: [Float]) -> [Double] {
        (0..<rows).flatMap { row in (0..<plane).map { Double(z[(row * channels + channel) * plane + $0]) } }
    }

    /// The normalization's pass treats every example alike, so splitting the rows
    /// between lanes (training on several threads) gives the same floats.
    @Test(arguments: [2, 3])
    func lanesNormalizeAsOneThreadDoes(lanes: Int) {
        let bn = BatchNormalization(name: "conv1.bn", channels: channels, plane: plane)
        let z = activations(seed: 3), residual = activations(seed: 4)
        bn.prepare(z, rows: rows, training: true)
        var alone = [Float](repeating: .nan, count: z.count), split = alone
        bn.apply(z, into: &alone, rows: rows, relu: true, adding: residual)
        Lanes.with(lanes) { bn.apply(z, into: &split, rows: rows, relu: true, adding: residual) }
        #expect(split == alone)
        #expect(alone.contains(0) && alone.contains { $0 > 0 })
    }

    /// Each channel's statistics and its part of the backward pass are its own, so
    /// lanes that take channels give the same floats: y, ∂z, the gated ∂y, γ's and β's
    /// gradients and the running statistics.
    @Test(arguments: [2, 3])
    func lanesTakeChannelsWithTheSameFloats(lanes: Int) {
        let channels = 5, plane = 7, rows = 3
        var generator = SeededGenerator(seed: 9, stream: "bn-lanes")
        let z = (0..<(rows * channels * plane)).map { _ in Float(generator.nextGaussian()) }
        let gradient = (0..<z.count).map { _ in Float(generator.nextGaussian()) }
        func run(_ lanes: Int) -> [[Float]] {
            let bn = BatchNormalization(name: "conv1.bn", channels: channels, plane: plane)
            var y = [Float](repeating: .nan, count: z.count), dz = y, dy = gradient
            Lanes.with(lanes) {
                bn.prepare(z, rows: rows, training: true)
                bn.apply(z, into: &y, rows: rows, relu: true)
                bn.backward(input: z, outputGradient: &dy, reluOutput: y, inputGradient: &dz, rows: rows)
            }
            return [y, dz, dy, bn.scale.gradient.array, bn.shift.gradient.array, bn.runningMean.value.array,
                    bn.runningVariance.value.array]
        }
        let alone = run(1)
        #expect(run(lanes) == alone)
        #expect(alone[2].contains(0) && !alone[1].contains { $0.isNaN })
    }

    @Test func trainingNormalizesByTheBatchAndMovesTheRunningStatistics() {
        let bn = BatchNormalization(name: "conv1.bn", channels: channels, plane: plane)
        #expect(bn.scale.value.array == [1, 1] && bn.shift.value.array == [0, 0])
        #expect(bn.runningMean.value.array == [0, 0] && bn.runningVariance.value.array == [1, 1])
        bn.scale.value.pointer.update(from: [2, 0.5], count: 2)
        bn.shift.value.pointer.update(from: [0.25, -1], count: 2)
        let z = activations(seed: 1)
        var y = [Float](repeating: .nan, count: z.count)
        bn.prepare(z, rows: rows, training: true)
        bn.apply(z, into: &y, rows: rows, relu: false)
        for channel in 0..<channels {
            let input = values(of: channel, in: z), output = values(of: channel, in: y)
            let n = Double(input.count)
            let mean = input.reduce(0, +) / n
            let variance = input.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
            let gamma = Double(bn.scale.value[channel]), beta = Double(bn.shift.value[channel])
            for (a, b) in zip(input, output) {
                #expect(abs(b - (gamma * (a - mean) / (variance + 1e-5).squareRoot() + beta)) < 1e-5)
            }
            #expect(abs(Double(bn.runningMean.value[channel]) - 0.1 * mean) < 1e-6)
            #expect(abs(Double(bn.runningVariance.value[channel]) - (0.9 + 0.1 * variance * n / (n - 1))) < 1e-5)
        }
    }

    @Test func evaluationNormalizesByTheRunningStatistics() {
        let bn = BatchNormalization(name: "bn", channels: channels, plane: plane)
        bn.runningMean.value.pointer.update(from: [0.5, -2], count: 2)
        bn.runningVariance.value.pointer.update(from: [4, 0.25], count: 2)
        bn.shift.value[1] = 3
        let z = activations(seed: 2)
        var y = [Float](repeating: .nan, count: z.count)
        bn.prepare(z, rows: rows, training: false)
        bn.apply(z, into: &y, rows: rows, relu: true)
        for channel in 0..<channels {
            let mean = Double(bn.runningMean.value[channel]), variance = Double(bn.runningVariance.value[channel])
            for (a, b) in zip(values(of: channel, in: z), values(of: channel, in: y)) {
                let expected = max(0, (a - mean) / (variance + 1e-5).squareRoot() + Double(bn.shift.value[channel]))
                #expect(abs(b - expected) < 1e-5)
            }
        }
        // Evaluation leaves the running statistics alone.
        #expect(bn.runningMean.value.array == [0.5, -2])
        #expect(bn.runningVariance.value.array == [4, 0.25])
    }

    @Test func aResidualIsAddedBeforeTheReLU() {
        let bn = BatchNormalization(name: "bn", channels: 1, plane: 2)
        bn.prepare([0, 0], rows: 1, training: false)  // running statistics 0 and 1: nearly the identity
        var y: [Float] = [0, 0]
        bn.apply([1, -1], into: &y, rows: 1, relu: true, adding: [-2, 3])
        #expect(y[0] == 0)
        #expect(abs(y[1] - 2) < 1e-4)
    }

    /// A network's γ start at 1, its β and biases at 0, and `initialize` (θ0, and
    /// every reset to it) restores fresh running statistics.
    @Test func initializationSetsScalesToOneAndStatisticsAfresh() throws {
        let network = try Network(model: Preset.resnet18.model, inputShape: [1, 28, 28], classes: 10, capacity: 2)
        network.initialize(seed: 3)
        for parameter in network.parameters where !parameter.isPrunable {
            let expected: Float = parameter.name.hasSuffix(".gamma") ? 1 : 0
            #expect(parameter.value.array.allSatisfy { $0 == expected }, "\(parameter.name)")
            #expect(parameter.role == (parameter.name.hasSuffix(".gamma") ? .scale : .bias))
        }
        for tensor in network.state { tensor.value.fill(7) }
        network.initialize(seed: 3)
        for tensor in network.state {
            let expected: Float = tensor.name.hasSuffix(".running_var") ? 1 : 0
            #expect(tensor.value.array.allSatisfy { $0 == expected }, "\(tensor.name)")
        }
        // A mean and a variance for each of 21 normalizations: the stem, 18 block
        // convolutions and 2 projections.
        #expect(network.state.count == 2 * 21)
    }
}
