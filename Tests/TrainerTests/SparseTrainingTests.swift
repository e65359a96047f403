import Foundation
import LotteryCore
import Testing

@testable import Trainer

/// Sparse layers: the compressed form, its kernels against direct loops and
/// finite differences, and whole trials against their dense-masked twins.
struct SparseTrainingTests {
    /// A random keep mask of `inputs × outputs` keeping about `density` of it.
    private func randomKeep(inputs: Int, outputs: Int, density: Double, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed, stream: "keep")
        return (0..<(inputs * outputs)).map { _ in generator.nextUnitDouble() < density ? 1 : 0 }
    }

    private func gaussians(_ count: Int, seed: UInt64, stream: String) -> [Float] {
        var generator = SeededGenerator(seed: seed, stream: stream)
        return (0..<count).map { _ in Float(generator.nextGaussian()) }
    }

    @Test func thePatternStoresKeptWeightsOnlyAndItsTransposeAgrees() {
        let (inputs, outputs) = (13, 7)
        let keep = randomKeep(inputs: inputs, outputs: outputs, density: 0.3, seed: 3)
        let pattern = keep.withUnsafeBufferPointer { SparsePattern(keep: $0.baseAddress!, inputs: inputs, outputs: outputs) }
        #expect(pattern.count == keep.filter { $0 != 0 }.count)
        // Every stored value is a kept position, each once.
        var seen = Set<Int>()
        for j in 0..<outputs {
            for k in Int(pattern.columnStarts[j])..<Int(pattern.columnStarts[j + 1]) {
                let index = Int(pattern.rowIndices[k]) * outputs + j
                #expect(keep[index] == 1)
                seen.insert(index)
            }
        }
        #expect(seen.count == pattern.count)
        // The transpose names the same weights, and where each is stored.
        var fromRows = Set<Int>()
        for i in 0..<inputs {
            for t in Int(pattern.rowStarts[i])..<Int(pattern.rowStarts[i + 1]) {
                let j = Int(pattern.columnIndices[t])
                let k = Int(pattern.storedPositions[t])
                #expect(Int(pattern.rowIndices[k]) == i)
                #expect(k >= Int(pattern.columnStarts[j]) && k < Int(pattern.columnStarts[j + 1]))
                fromRows.insert(i * outputs + j)
            }
        }
        #expect(fromRows == seen)
        // Gather then scatter gives the matrix back with +0 where pruned.
        let dense = gaussians(inputs * outputs, seed: 3, stream: "w")
        var stored = [Float](repeating: .nan, count: pattern.count)
        var back = [Float](repeating: .nan, count: inputs * outputs)
        dense.withUnsafeBufferPointer { pattern.gather($0.baseAddress!, into: &stored) }
        stored.withUnsafeBufferPointer { pattern.scatter($0.baseAddress!, into: &back) }
        for index in 0..<(inputs * outputs) {
            if keep[index] == 1 {
                #expect(back[index] == dense[index])
            } else {
                #expect(back[index] == 0 && back[index].sign == .plus)
            }
        }
    }

    /// The three kernels against direct loops, for batches that fill a block of
    /// 64 lanes, part of one, and more than one.
    @Test(arguments: [5, 60, 64, 100])
    func kernelsMatchDirectLoops(rows: Int) {
        let (inputs, outputs) = (37, 11)
        let lanes = ActivationLayout.lanes(rows: rows)
        let keep = randomKeep(inputs: inputs, outputs: outputs, density: 0.25, seed: UInt64(rows))
        let pattern = keep.withUnsafeBufferPointer { SparsePattern(keep: $0.baseAddress!, inputs: inputs, outputs: outputs) }
        let w = zip(gaussians(inputs * outputs, seed: 1, stream: "w"), keep).map { $0 * $1 }
        let b = gaussians(outputs, seed: 1, stream: "b")
        let xExamples = gaussians(rows * inputs, seed: 1, stream: "x")
        let dyExamples = gaussians(rows * outputs, seed: 1, stream: "dy")
        var stored = [Float](repeating: 0, count: pattern.count)
        w.withUnsafeBufferPointer { pattern.gather($0.baseAddress!, into: &stored) }
        func features(_ values: [Float], _ count: Int) -> [Float] {
            var result = [Float](repeating: .nan, count: lanes * count)
            values.withUnsafeBufferPointer {
                ActivationLayout.examples.convert($0.baseAddress!, to: .features, into: &result, rows: rows, features: count)
            }
            return result
        }
        let x = features(xExamples, inputs), dy = features(dyExamples, outputs)
        var y = [Float](repeating: .nan, count: lanes * outputs)
        var dW = [Float](repeating: .nan, count: pattern.count)
        var dx = [Float](repeating: .nan, count: lanes * inputs)
        SparseKernels.forward(pattern: pattern, values: stored, bias: b, relu: true, x: x, y: &y, lanes: lanes)
        SparseKernels.weightGradient(pattern: pattern, x: x, outputGradient: dy, into: &dW, lanes: lanes)
        SparseKernels.inputGradient(pattern: pattern, values: stored, outputGradient: dy, into: &dx, lanes: lanes)

        func close(_ a: Float, _ b: Double) -> Bool { abs(Double(a) - b) <= 1e-4 * (1 + abs(b)) }
        for r in 0..<rows {
            for j in 0..<outputs {
                var sum = Double(b[j])
                for i in 0..<inputs { sum += Double(xExamples[r * inputs + i]) * Double(w[i * outputs + j]) }
                #expect(close(y[j * lanes + r], max(sum, 0)), "y[\(r), \(j)]")
            }
            for i in 0..<inputs {
                var sum = 0.0
                for j in 0..<outputs { sum += Double(dyExamples[r * outputs + j]) * Double(w[i * outputs + j]) }
                #expect(close(dx[i * lanes + r], sum), "∂x[\(r), \(i)]")
            }
        }
        // Padding lanes of ∂x are zero: ∂y's are.
        for i in 0..<inputs { for r in rows..<lanes { #expect(dx[i * lanes + r] == 0) } }
        var full = [Float](repeating: .nan, count: inputs * outputs)
        dW.withUnsafeBufferPointer { pattern.scatter($0.baseAddress!, into: &full) }
        for i in 0..<inputs {
            for j in 0..<outputs where keep[i * outputs + j] == 1 {
                var sum = 0.0
                for r in 0..<rows { sum += Double(xExamples[r * inputs + i]) * Double(dyExamples[r * outputs + j]) }
                #expect(close(full[i * outputs + j], sum), "∂W[\(i), \(j)]")
            }
        }
    }

    /// A small network with sparse layers (and a dense one in the features
    /// layout), every stored gradient against finite differences.
    @Test func sparseGradientsMatchFiniteDifferences() throws {
        let network = try Network(model: .mlp(hidden: [9, 7]), inputShape: [1, 1, 8], classes: 5, capacity: 6)
        // The output layer is dense (all kept) but computes in the features layout.
        let kernels = try expectFiniteDifferences(network, densities: [0.2, 0.2, 1])
        #expect(kernels.map(\.isSparse) == [true, true, false])
    }

    /// A sparse convolution between the input and a pooled sparse fc layer.
    @Test func sparseConvolutionGradientsMatchFiniteDifferences() throws {
        let model = ModelSpec(name: "tiny-conv", layers: [.conv3x3(channels: 4), .maxPool2x2, .dense(units: 6)])
        let network = try Network(model: model, inputShape: [2, 6, 5], classes: 3, capacity: 6)
        let kernels = try expectFiniteDifferences(network, densities: [0.3, 0.2, 1])
        #expect(kernels.map(\.isSparse) == [true, true, false])
    }

    /// Masks the network's prunable layers at `densities` (random positions),
    /// chooses kernels by `auto`, and checks a sample of every stored gradient
    /// against central differences of the mean loss of 6 random examples.
    private func expectFiniteDifferences(_ network: Network, densities: [Double]) throws -> [LayerKernel] {
        let rows = 6
        var mask = Mask.dense(for: network)
        for index in mask.layers.indices {
            let layer = mask.layers[index]
            mask.layers[index].keep = randomKeep(inputs: 1, outputs: layer.keep.count, density: densities[index],
                                                 seed: UInt64(index)).map { UInt8($0) }
        }
        try mask.apply(to: network)
        network.initialize(seed: 5)
        var generator = SeededGenerator(seed: 5, stream: "biases")
        // Biases away from zero keep ReLU inputs off their kink.
        for parameter in network.parameters where !parameter.isPrunable {
            for i in 0..<parameter.count { parameter.value[i] = Float(generator.nextUnitDouble() * 0.2 + 0.05) }
        }
        network.selectKernels(.auto)
        let inputs = gaussians(rows * network.inputFeatures, seed: 5, stream: "inputs")
        inputs.withUnsafeBufferPointer { network.loadInput($0.baseAddress!, rows: rows) }
        let classes = network.classes
        let labels = (0..<rows).map { _ in Int32(generator.nextIndex(below: classes)) }
        func meanLoss() -> Double {
            labels.withUnsafeBufferPointer { network.evaluate(labels: $0.baseAddress!, rows: rows).lossSum } / Double(rows)
        }
        _ = labels.withUnsafeBufferPointer { network.forwardBackward(labels: $0.baseAddress!, rows: rows) }
        let analytic = network.parameters.map(\.gradient.array)
        let step: Float = 3e-3
        var checked = 0
        for (p, parameter) in network.parameters.enumerated() {
            // A compressed weight's gradient exists for its kept weights only.
            #expect(parameter.gradient.count == parameter.value.count)
            for i in stride(from: 0, to: parameter.value.count, by: max(1, parameter.value.count / 7)) {
                let original = parameter.value[i]
                let center = meanLoss()
                parameter.value[i] = original + step
                let plus = meanLoss()
                parameter.value[i] = original - step
                let minus = meanLoss()
                parameter.value[i] = original
                // A ReLU input crossing zero within the step bends the loss: the
                // one-sided slopes then disagree, and the difference proves nothing.
                let right = (plus - center) / Double(step), left = (center - minus) / Double(step)
                guard abs(right - left) <= 1e-2 * max(1, abs(right)) else { continue }
                let numeric = (plus - minus) / Double(2 * step)
                let exact = Double(analytic[p][i])
                #expect(abs(numeric - exact) <= 2e-3 + 2e-2 * abs(exact),
                        "\(parameter.name)[\(i)]: backward \(exact), finite difference \(numeric)")
                checked += 1
            }
        }
        #expect(checked >= 30)
        return network.kernels
    }

    /// A pruned trial (fc layers at `density`, convolutions at `convDensity`, random
    /// positions) trained with `kernels`.
    private func trained(model: ModelSpec, density: Double, convDensity: Double = 1, iterations: Int,
                         optimizer: OptimizerSpec, kernels: KernelChoice) throws -> (TrainingOutcome, Network) {
        let dataset = try syntheticDataset()
        var training = tinyTraining(iterations: iterations, batch: 20, optimizer: optimizer, evalEvery: 50)
        training.kernels = kernels
        let network = try Network(model: model, inputShape: dataset.info.inputShape, classes: dataset.info.classes,
                                  capacity: 200)
        let mask = Mask(layers: Mask.dense(for: network).layers.enumerated().map { index, layer in
            var layer = layer
            layer.keep = randomKeep(inputs: 1, outputs: layer.keep.count, density: layer.kind == .conv ? convDensity : density,
                                    seed: UInt64(index)).map { UInt8($0) }
            return layer
        })
        try mask.apply(to: network)
        network.initialize(seed: 9)
        let outcome = try TrainingLoop(network: network, dataset: dataset, training: training, seed: 9).run()
        return (outcome, network)
    }

    /// A pruned trial trained with sparse kernels (or `kernels`) and its dense-masked twin.
    private func twins(model: ModelSpec, density: Double, convDensity: Double = 1, iterations: Int,
                       optimizer: OptimizerSpec = .adam(0.01), kernels: KernelChoice = .sparse)
        throws -> (dense: TrainingOutcome, sparse: TrainingOutcome, sparseNetwork: Network) {
        let dense = try trained(model: model, density: density, convDensity: convDensity, iterations: iterations,
                                optimizer: optimizer, kernels: .dense)
        let sparse = try trained(model: model, density: density, convDensity: convDensity, iterations: iterations,
                                 optimizer: optimizer, kernels: kernels)
        return (dense.0, sparse.0, sparse.1)
    }

    private func expectTwinsAgree(_ dense: TrainingOutcome, _ sparse: TrainingOutcome, weightTolerance: Float) {
        // The training sample is measured at new validation minima, which float rounding
        // may move between near-equal losses: compare it where both measured it.
        let denseCurves = dense.evaluations.filter { $0.split != .train }
        let sparseCurves = sparse.evaluations.filter { $0.split != .train }
        #expect(denseCurves.count == sparseCurves.count)
        let sparseTrain = Dictionary(uniqueKeysWithValues: sparse.evaluations.filter { $0.split == .train }.map { ($0.iteration, $0) })
        let trainPairs = dense.evaluations.filter { $0.split == .train }.compactMap { a in sparseTrain[a.iteration].map { (a, $0) } }
        for (a, b) in Array(zip(denseCurves, sparseCurves)) + trainPairs {
            #expect(a.iteration == b.iteration && a.split == b.split)
            #expect(abs(a.loss - b.loss) <= 1e-3 * max(1, abs(a.loss)), "\(a.split) loss at \(a.iteration): \(a.loss) vs \(b.loss)")
            #expect(abs(a.accuracy - b.accuracy) <= 0.011, "\(a.split) accuracy at \(a.iteration)")
        }
        for (a, b) in zip(dense.finalWeights.tensors, sparse.finalWeights.tensors) {
            #expect(a.name == b.name && a.values.count == b.values.count)
            let worst = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= weightTolerance, "\(a.name): weights differ by up to \(worst)")
            // Pruned weights are +0 in both, and only there may a weight be zero in both.
            for (x, y) in zip(a.values, b.values) where x == 0 && x.sign == .plus {
                #expect(y == 0 && y.sign == .plus || a.name.hasSuffix(".bias"))
            }
        }
    }

    /// 300 iterations of Adam: weights agree to 1e-3, losses to 0.1% and
    /// accuracies to one example in 100 (float summation order only).
    @Test func aSparseTrialMatchesItsDenseMaskedTwin() throws {
        let (dense, sparse, network) = try twins(model: .mlp(hidden: [24, 16]), density: 0.2, iterations: 300)
        #expect(network.kernels.allSatisfy { $0.isSparse })
        expectTwinsAgree(dense, sparse, weightTolerance: 1e-3)
        // The sparse network stores and updates its kept weights only.
        for weight in network.weights {
            #expect(weight.isCompressed && weight.value.count == weight.remaining && weight.mask == nil)
        }
        // And its final weights are the mask's: +0 exactly where pruned.
        let mask = Mask(of: network)
        for (layer, tensor) in zip(mask.layers, sparse.finalWeights.tensors.filter { $0.name.hasSuffix(".weight") }) {
            for (keep, value) in zip(layer.keep, tensor.values) where keep == 0 {
                #expect(value == 0 && value.sign == .plus)
            }
        }
    }

    /// Convolutions kept whole stay dense under `auto` and the fc layers go sparse:
    /// activations change layout after the pooling, and back around a dropout
    /// layer; SGD with momentum and weight decay.
    @Test func convolutionsWithSparseFullyConnectedLayersMatchTheirTwin() throws {
        let (dense, sparse, network) = try twins(model: Self.tinyConv, density: 0.15, iterations: 120,
                                                 optimizer: Self.momentum, kernels: .auto)
        #expect(network.kernels.map(\.isSparse) == [false, true, true, true])
        #expect(network.staging.keys.sorted() == [2, 3, 4])
        expectTwinsAgree(dense, sparse, weightTolerance: 1e-3)
    }

    /// Every layer sparse, the convolution too (at 30%): the same answers as the
    /// dense-masked twin, and +0 wherever the convolution is pruned.
    @Test func sparseConvolutionsMatchTheirTwin() throws {
        let (dense, sparse, network) = try twins(model: Self.tinyConv, density: 0.3, convDensity: 0.3, iterations: 120,
                                                 optimizer: Self.momentum)
        #expect(network.kernels.map(\.isSparse) == [true, true, true, true])
        #expect(network.staging.keys.sorted() == [2, 3, 4])
        expectTwinsAgree(dense, sparse, weightTolerance: 1e-3)
        let convolution = try #require(network.weights.first)
        #expect(convolution.isCompressed && convolution.value.count == convolution.remaining)
        let keep = Mask(of: network).layers[0].keep
        let values = try #require(sparse.finalWeights.tensors.first { $0.name == convolution.name }).values
        for (kept, value) in zip(keep, values) where kept == 0 { #expect(value == 0 && value.sign == .plus) }
    }

    private static let tinyConv = ModelSpec(name: "tiny-conv", layers: [
        .conv3x3(channels: 3), .maxPool2x2, .dense(units: 12), .dropout(rate: 0.25), .dense(units: 10),
    ])
    private static let momentum = OptimizerSpec(kind: .momentum, learningRate: 0.02, momentum: 0.9, weightDecay: 1e-4)

    @Test(arguments: [false, true])
    func theSameSparseTrialGivesBitIdenticalResults(convolutions: Bool) throws {
        func run() throws -> TrainingOutcome {
            try trained(model: convolutions ? Self.tinyConv : .mlp(hidden: [24, 16]), density: 0.1, convDensity: 0.3,
                        iterations: 100, optimizer: .adam(0.01), kernels: .sparse).0
        }
        let first = try run(), second = try run()
        #expect(first.finalWeights == second.finalWeights)
        #expect(first.evaluations == second.evaluations)
    }

    @Test func autoPicksSparseBelowTheCrossoverAndLaysOutWholeRuns() throws {
        let network = try Network(model: Preset.lenet300100.model, inputShape: [1, 28, 28], classes: 10, capacity: 60)
        var mask = Mask.dense(for: network)
        // fc1 at 10%, fc2 and the output kept whole.
        mask.layers[0].keep = randomKeep(inputs: 1, outputs: mask.layers[0].keep.count, density: 0.1, seed: 1)
            .map { UInt8($0) }
        try mask.apply(to: network)
        network.selectKernels(.auto)
        #expect(network.kernels.map(\.isSparse) == [true, false, false])
        #expect(network.inputLayout == .features)
        #expect(network.staging.isEmpty)
        #expect(Mask(of: network) == mask)
        // Masks are set before kernels are chosen, not after.
        #expect(throws: TrainerError.self) { try mask.apply(to: network) as Void }

        let whole = try Network(model: Preset.lenet300100.model, inputShape: [1, 28, 28], classes: 10, capacity: 60)
        whole.selectKernels(.auto)
        #expect(whole.kernels.allSatisfy { !$0.isSparse })
        #expect(whole.inputLayout == .examples)
    }

    @Test func theOptimizerKeepsMomentsForKeptWeightsOnly() throws {
        let network = try Network(model: .mlp(hidden: [20]), inputShape: [1, 1, 10], classes: 3, capacity: 4)
        var mask = Mask.dense(for: network)
        mask.layers[0].keep = randomKeep(inputs: 1, outputs: 200, density: 0.15, seed: 2).map { UInt8($0) }
        try mask.apply(to: network)
        network.selectKernels(.sparse)
        let optimizer = Optimizer(.adam(0.01), parameters: network.parameters)
        let kept = mask.layers[0].remaining
        #expect(optimizer.moments(of: 0).first?.count == kept)
        #expect(optimizer.moments(of: 0).second?.count == kept)
    }
}
