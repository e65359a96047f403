import CFloatControl
import SweepPlan

#if canImport(Glibc)
import Glibc
#endif

/// Measures training throughput of a model: whole training steps (forward,
/// backward, optimizer) against the matrix products of the same steps alone.
/// A benchmark, not a test: it prints numbers and asserts nothing.
public struct TrainerBenchmark {
    public let model: ModelSpec
    public let training: TrainingSpec
    public let dataset: Dataset

    public init(model: ModelSpec, training: TrainingSpec, dataset: Dataset) {
        self.model = model
        self.training = training
        self.dataset = dataset
    }

    /// Samples per second over `steps` training steps after `warmup` untimed ones,
    /// with every prunable layer kept at `density` (1 = dense).
    public func trainingThroughput(steps: Int, warmup: Int, density: Double) throws -> Double {
        let savedFloatControl = lottery_flush_denormals_saving()
        defer { lottery_restore_float_control(savedFloatControl) }
        let network = try Network(model: model, inputShape: dataset.info.inputShape, classes: dataset.info.classes,
                                  capacity: training.batchSize)
        var mask = Mask.dense(for: network)
        if density < 1 {
            for index in mask.layers.indices {
                let count = mask.layers[index].keep.count
                let kept = Int((Double(count) * density).rounded())
                mask.layers[index].keep = (0..<count).map { $0 < kept ? 1 : 0 }
            }
            mask = Pruner.randomMask(like: mask, seed: 1, replicate: 0)
        }
        try mask.apply(to: network)
        network.initialize(seed: 0)
        let optimizer = Optimizer(training.optimizer, parameters: network.parameters)
        let batcher = Batcher(dataset: dataset, network: network)
        let batch = training.batchSize
        let indices = dataset.trainIndices
        let batches = indices.count / batch
        let clock = ContinuousClock()
        var start = clock.now
        for step in 0..<(warmup + steps) {
            if step == warmup { start = clock.now }
            let offset = (step % batches) * batch
            indices.withUnsafeBufferPointer {
                batcher.load(indices: UnsafeBufferPointer(rebasing: $0[offset..<(offset + batch)]), from: dataset.trainFile)
            }
            network.forwardBackward(labels: batcher.labels, rows: batch)
            optimizer.step(learningRate: training.optimizer.learningRate)
        }
        return Double(steps * batch) / (clock.now - start).inSeconds
    }

    /// Samples per second if a step were its matrix products only: the same
    /// `sgemm` calls, with the same shapes, and nothing else.
    public func gemmThroughput(steps: Int) throws -> Double {
        let network = try Network(model: model, inputShape: dataset.info.inputShape, classes: dataset.info.classes,
                                  capacity: training.batchSize)
        network.initialize(seed: 0)
        let rows = training.batchSize
        let layers = network.layers.compactMap { $0 as? DenseLayer }
        let activations = ([network.inputFeatures] + layers.map(\.outputFeatures)).map {
            FloatBuffer(count: rows * $0, value: 0.5)
        }
        let gradients = activations.map { FloatBuffer(count: $0.count, value: 0.25) }
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<steps {
            for (index, layer) in layers.enumerated() {
                BLAS.gemm(m: rows, n: layer.outputFeatures, k: layer.inputFeatures,
                          a: activations[index].pointer, lda: layer.inputFeatures,
                          b: layer.weight.value.pointer, ldb: layer.outputFeatures,
                          c: activations[index + 1].pointer, ldc: layer.outputFeatures)
            }
            for (index, layer) in layers.enumerated().reversed() {
                BLAS.gemm(transposeA: true, m: layer.inputFeatures, n: layer.outputFeatures, k: rows,
                          a: activations[index].pointer, lda: layer.inputFeatures,
                          b: gradients[index + 1].pointer, ldb: layer.outputFeatures,
                          c: layer.weight.gradient.pointer, ldc: layer.outputFeatures)
                if index > 0 {
                    BLAS.gemm(transposeB: true, m: rows, n: layer.inputFeatures, k: layer.outputFeatures,
                              a: gradients[index + 1].pointer, lda: layer.outputFeatures,
                              b: layer.weight.value.pointer, ldb: layer.outputFeatures,
                              c: gradients[index].pointer, ldc: layer.inputFeatures)
                }
            }
        }
        return Double(steps * rows) / (clock.now - start).inSeconds
    }

    /// Floating-point operations of one training step's matrix products.
    public var gemmFlopsPerStep: Double {
        var inputs = dataset.info.inputShape.reduce(1, *)
        var flops = 0.0
        let sizes = model.layers.compactMap { if case .dense(let units) = $0 { units } else { nil } } + [dataset.info.classes]
        for (index, outputs) in sizes.enumerated() {
            let products = index == 0 ? 2.0 : 3.0  // forward, ∂W, and ∂x past the first layer
            flops += products * 2 * Double(training.batchSize * inputs * outputs)
            inputs = outputs
        }
        return flops
    }
}

/// Peak resident memory of this process so far, in bytes (VmHWM), if known.
public func peakResidentBytes() -> Int? {
    guard let line = ProcFile.lines("/proc/self/status").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    return Int(line.filter(\.isNumber)).map { $0 * 1024 }
}
