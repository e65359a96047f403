import LotteryCore
import Testing

@testable import Trainer

/// Finite-difference checks of the layers a convolutional network adds: each
/// layer's backward pass against the change of L = Σ y·c for a fixed random c.
struct LayerGradientTests {
    /// Checks ∂L/∂x (and ∂L/∂θ for each parameter) at `probes` positions.
    /// `prepare` runs before every forward (dropout reseeds its stream there).
    private func check(_ layer: any Layer, rows: Int, seed: UInt64, step: Float = 1e-2,
                       prepare: () -> Void = {}) {
        var generator = SeededGenerator(seed: seed, stream: "layer")
        var x = (0..<(rows * layer.inputFeatures)).map { _ in Float(generator.nextGaussian()) }
        let c = (0..<(rows * layer.outputFeatures)).map { _ in Float(generator.nextGaussian()) }
        for parameter in layer.parameters where !parameter.isPrunable {
            // Biases off zero keep ReLU inputs away from their kink.
            for i in 0..<parameter.count { parameter.value[i] = Float(generator.nextUnitDouble() * 0.2 + 0.05) }
        }
        var y = [Float](repeating: 0, count: c.count)
        func loss() -> Double {
            prepare()
            layer.forward(x, into: &y, rows: rows, training: true)
            return zip(y, c).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let base = loss()
        var dy = c
        var dx = [Float](repeating: .nan, count: x.count)
        layer.backward(input: x, output: y, outputGradient: &dy, inputGradient: &dx, rows: rows)
        let parameterGradients = layer.parameters.map(\.gradient.array)

        var checked = 0
        var straddling = 0
        func compare(_ name: String, _ exact: Float, perturb: (Float) -> Void, original: Float) {
            func losses(_ h: Float) -> (plus: Double, minus: Double) {
                perturb(original + h)
                let plus = loss()
                perturb(original - h)
                let minus = loss()
                perturb(original)
                return (plus, minus)
            }
            let tolerance = 3e-3 + 2e-2 * abs(Double(exact))
            let (plus, minus) = losses(step)
            let numeric = (plus - minus) / Double(2 * step)
            let half = losses(step / 2)
            // A ReLU input crossing zero inside the step bends the loss there: the
            // slopes on its two sides differ, and the difference depends on the step.
            // Such probes say nothing about the backward pass and are skipped (a few
            // percent of them). A kink very near the probe can leave the central
            // differences at h and h/2 alike; the one-sided slopes still tell it.
            let forwardSlope = (plus - base) / Double(step), backwardSlope = (base - minus) / Double(step)
            guard abs(numeric - (half.plus - half.minus) / Double(step)) <= tolerance / 2,
                  abs(forwardSlope - backwardSlope) <= tolerance else {
                straddling += 1
                return
            }
            checked += 1
            #expect(abs(numeric - Double(exact)) <= tolerance, "\(name): backward \(exact), finite difference \(numeric)")
        }
        for i in stride(from: 0, to: x.count, by: max(1, x.count / 23)) {
            compare("∂x[\(i)]", dx[i], perturb: { x[i] = $0 }, original: x[i])
        }
        for (p, parameter) in layer.parameters.enumerated() {
            for i in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 17)) {
                compare("\(parameter.name)[\(i)]", parameterGradients[p][i], perturb: { parameter.value[i] = $0 },
                        original: parameter.value[i])
            }
        }
        #expect(straddling * 5 <= checked, "\(straddling) probes straddled a kink, \(checked) checked")
    }

    @Test(arguments: [ConvolutionAlgorithm.im2col, .winograd])
    func convolutionWithBiasAndReLU(algorithm: ConvolutionAlgorithm) {
        let layer = ConvolutionLayer(name: "conv1", input: ActivationShape(channels: 3, height: 5, width: 6),
                                     outputChannels: 4, capacity: 2, algorithm: algorithm)
        var generator = SeededGenerator(seed: 2, stream: "weights")
        for i in 0..<layer.weight.count { layer.weight.value[i] = Float(generator.nextGaussian() * 0.3) }
        check(layer, rows: 2, seed: 3, step: 1e-3)
    }

    /// Random weights (they start at zero) for the convolutions of a layer.
    private func drawWeights(_ layer: any Layer, seed: UInt64, scale: Double = 0.3) {
        var generator = SeededGenerator(seed: seed, stream: "weights")
        for parameter in layer.parameters where parameter.isPrunable {
            for i in 0..<parameter.count { parameter.value[i] = Float(generator.nextGaussian() * scale) }
        }
    }

    /// Batch normalization alone, in training mode: every output depends on every
    /// input of its channel through the batch's mean and variance.
    @Test func batchNormalizationInTrainingMode() {
        let layer = NormalizationOnly(channels: 3, plane: 5)
        check(layer, rows: 4, seed: 11, step: 1e-2)
    }

    @Test(arguments: [(ConvolutionAlgorithm.im2col, 1), (.winograd, 1), (.im2col, 2)])
    func convolutionWithBatchNormalizationAndReLU(algorithm: ConvolutionAlgorithm, stride: Int) {
        let layer = ConvBNLayer(name: "conv1", input: ActivationShape(channels: 3, height: 5, width: 6),
                                outputChannels: 4, stride: stride, capacity: 3, algorithm: algorithm)
        drawWeights(layer, seed: 12)
        check(layer, rows: 3, seed: 13, step: 1e-3)
    }

    @Test(arguments: [ConvolutionAlgorithm.im2col, .winograd])
    func residualBlockWithTheIdentityShortcut(algorithm: ConvolutionAlgorithm) {
        let layer = ResidualBlockLayer(firstIndex: 2, input: ActivationShape(channels: 4, height: 4, width: 5),
                                       channels: 4, stride: 1, capacity: 3, algorithm: algorithm)
        #expect(layer.projection == nil)
        drawWeights(layer, seed: 14)
        check(layer, rows: 3, seed: 15, step: 1e-3)
    }

    @Test(arguments: [(3, 6, 2), (3, 6, 1), (4, 4, 2)])
    func residualBlockWithAProjectionShortcut(inputs: Int, channels: Int, stride: Int) {
        let layer = ResidualBlockLayer(firstIndex: 8, input: ActivationShape(channels: inputs, height: 5, width: 6),
                                       channels: channels, stride: stride, capacity: 3)
        #expect(layer.projection != nil)
        #expect(layer.parameters.filter(\.isPrunable).map(\.name) == ["conv8.weight", "conv9.weight",
                                                                     "conv8.shortcut.weight"])
        drawWeights(layer, seed: 16)
        check(layer, rows: 3, seed: 17, step: 1e-3)
    }

    @Test func globalAveragePool() {
        check(GlobalAveragePoolLayer(input: ActivationShape(channels: 3, height: 3, width: 5)), rows: 2, seed: 18)
    }

    @Test func maxPoolIncludingAnOddEdge() {
        // Distinct inputs make every 2×2 winner unique, so the max is differentiable.
        check(MaxPoolLayer(input: ActivationShape(channels: 2, height: 5, width: 4), capacity: 3), rows: 3, seed: 4,
              step: 1e-3)
    }

    @Test func dropoutWithItsMaskHeld() {
        let layer = DropoutLayer(shape: ActivationShape(channels: 40, height: 1, width: 1), rate: 0.5, capacity: 2)
        check(layer, rows: 2, seed: 5, prepare: { layer.generator = SeededGenerator(seed: 9, stream: "dropout") })
    }

    @Test func dropoutDropsAboutItsRateScalesTheRestAndPassesEverythingInEvaluation() {
        let layer = DropoutLayer(shape: ActivationShape(channels: 10_000, height: 1, width: 1), rate: 0.5, capacity: 1)
        let x = [Float](repeating: 1, count: 10_000)
        var y = [Float](repeating: 0, count: 10_000)
        layer.forward(x, into: &y, rows: 1, training: true)
        let dropped = y.filter { $0 == 0 }.count
        #expect(dropped > 4_800 && dropped < 5_200)
        #expect(y.allSatisfy { $0 == 0 || $0 == 2 })
        let first = y
        layer.forward(x, into: &y, rows: 1, training: true)
        #expect(y != first, "each training forward draws a new mask")
        layer.forward(x, into: &y, rows: 1, training: false)
        #expect(y == x)
    }

    @Test func aWholeConvolutionalNetworkMatchesFiniteDifferences() throws {
        // conv → conv → pool → dense → output on 2×6×6 inputs: every gradient path.
        let model = ModelSpec(name: "tiny-conv", layers: [.conv3x3(channels: 16), .conv3x3(channels: 3), .maxPool2x2,
                                                          .dense(units: 5)])
        let rows = 3
        let network = try Network(model: model, inputShape: [2, 6, 6], classes: 4, capacity: rows)
        network.initialize(seed: 1)
        var generator = SeededGenerator(seed: 6, stream: "inputs")
        for i in 0..<(rows * 72) { network.input[i] = Float(generator.nextGaussian()) }
        for parameter in network.parameters where !parameter.isPrunable {
            for i in 0..<parameter.count { parameter.value[i] = Float(generator.nextUnitDouble() * 0.2 + 0.05) }
        }
        let labels: [Int32] = [0, 3, 1]
        _ = labels.withUnsafeBufferPointer { network.forwardBackward(labels: $0.baseAddress!, rows: rows) }
        let analytic = network.parameters.map(\.gradient.array)
        func meanLoss() -> Double {
            labels.withUnsafeBufferPointer { network.evaluate(labels: $0.baseAddress!, rows: rows).lossSum } / Double(rows)
        }
        // A small step: a larger one moves some ReLU inputs across zero.
        let step: Float = 1e-3
        for (p, parameter) in network.parameters.enumerated() {
            for i in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 7)) {
                let original = parameter.value[i]
                parameter.value[i] = original + step
                let plus = meanLoss()
                parameter.value[i] = original - step
                let minus = meanLoss()
                parameter.value[i] = original
                let numeric = (plus - minus) / Double(2 * step)
                let exact = Double(analytic[p][i])
                #expect(abs(numeric - exact) <= 2e-3 + 3e-2 * abs(exact),
                        "\(parameter.name)[\(i)]: backward \(exact), finite difference \(numeric)")
            }
        }
        #expect(network.weights.map(\.layerName) == ["conv1", "conv2", "fc1", "output"])
    }
}

extension LayerGradientTests {
    /// A ResNet in miniature (stem, an identity block, a projection block with
    /// stride 2, global average pool, output) against finite differences of the
    /// training-mode loss: batch normalization normalizes with the batch's
    /// statistics there, so the loss is computed by training forwards too.
    @Test func aWholeResidualNetworkMatchesFiniteDifferences() throws {
        let model = ModelSpec(name: "tiny-resnet", layers: [
            .convBN(channels: 4, stride: 1), .residualBlock(channels: 4, stride: 1),
            .residualBlock(channels: 6, stride: 2), .globalAveragePool,
        ])
        let rows = 4
        let network = try Network(model: model, inputShape: [2, 6, 6], classes: 3, capacity: rows)
        network.initialize(seed: 2)
        #expect(network.weights.map(\.layerName) == ["conv1", "conv2", "conv3", "conv4", "conv5", "conv4.shortcut",
                                                     "output"])
        var generator = SeededGenerator(seed: 8, stream: "inputs")
        for i in 0..<(rows * 72) { network.input[i] = Float(generator.nextGaussian()) }
        for parameter in network.parameters where !parameter.isPrunable {
            for i in 0..<parameter.count {
                parameter.value[i] += Float(generator.nextUnitDouble() * 0.2 + 0.05) * (parameter.role == .scale ? 2 : 1)
            }
        }
        let labels: [Int32] = [0, 2, 1, 2]
        _ = labels.withUnsafeBufferPointer { network.forwardBackward(labels: $0.baseAddress!, rows: rows) }
        let analytic = network.parameters.map(\.gradient.array)
        func meanLoss() -> Double {
            labels.withUnsafeBufferPointer { network.forwardBackward(labels: $0.baseAddress!, rows: rows).lossSum }
                / Double(rows)
        }
        let base = meanLoss()
        let step: Float = 1e-3
        var checked = 0
        for (p, parameter) in network.parameters.enumerated() {
            for i in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 5)) {
                let original = parameter.value[i]
                func losses(_ h: Float) -> (plus: Double, minus: Double) {
                    parameter.value[i] = original + h
                    let plus = meanLoss()
                    parameter.value[i] = original - h
                    let minus = meanLoss()
                    parameter.value[i] = original
                    return (plus, minus)
                }
                let (plus, minus) = losses(step)
                let half = losses(step / 2)
                let numeric = (plus - minus) / Double(2 * step)
                let exact = Double(analytic[p][i])
                let tolerance = 2e-3 + 3e-2 * abs(exact)
                // A ReLU kink inside the step: the probe says nothing (see `check`).
                guard abs(numeric - (half.plus - half.minus) / Double(step)) <= tolerance / 2,
                      abs((plus - base) / Double(step) - (base - minus) / Double(step)) <= tolerance else { continue }
                checked += 1
                #expect(abs(numeric - exact) <= tolerance,
                        "\(parameter.name)[\(i)]: backward \(exact), finite difference \(numeric)")
            }
        }
        #expect(checked > 60)
    }
}

/// Batch normalization as a layer of its own, without ReLU, for its gradient check.
private final class NormalizationOnly: Layer {
    let normalization: BatchNormalization

    init(channels: Int, plane: Int) {
        normalization = BatchNormalization(name: "bn", channels: channels, plane: plane)
    }

    var inputFeatures: Int { normalization.channels * normalization.plane }
    var outputFeatures: Int { inputFeatures }
    var parameters: [Parameter] { normalization.parameters }

    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        normalization.prepare(x, rows: rows, training: training)
        normalization.apply(x, into: y, rows: rows, relu: false)
    }

    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                  outputGradient dy: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, rows: Int) {
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rows * inputFeatures)
        defer { scratch.deallocate() }
        normalization.backward(input: x, outputGradient: dy, reluOutput: nil, inputGradient: dx ?? scratch, rows: rows)
    }
}
