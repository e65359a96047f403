import CFloatControl
import LotteryCore
import Trainer

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
    public let convolutions: ConvolutionAlgorithm

    public init(model: ModelSpec, training: TrainingSpec, dataset: Dataset,
                convolutions: ConvolutionAlgorithm = .automatic) {
        self.model = model
        self.training = training
        self.dataset = dataset
        self.convolutions = convolutions
    }

    /// Samples per second over `steps` training steps after `warmup` untimed ones,
    /// with every prunable layer kept at `density` (1 = dense).
    public func trainingThroughput(steps: Int, warmup: Int, density: Double) throws -> Double {
        try trainingThroughput(steps: steps, warmup: warmup, densities: { _ in density }, kernels: .dense)
    }

    /// Samples per second over `steps` training steps after `warmup` untimed ones,
    /// each prunable layer kept at its kind's density (random positions), with
    /// `kernels` chosen as a trial would choose them.
    /// Convolutions split batches into as many lanes as OpenBLAS has threads, as on a
    /// worker with that many threads per trial.
    public func trainingThroughput(steps: Int, warmup: Int, densities: (LayerKind) -> Double,
                                   kernels: KernelChoice) throws -> Double {
        try Lanes.with(BLAS.threads) {
            try measureTraining(steps: steps, warmup: warmup, densities: densities, kernels: kernels)
        }
    }

    private func measureTraining(steps: Int, warmup: Int, densities: (LayerKind) -> Double,
                                 kernels: KernelChoice) throws -> Double {
        let savedFloatControl = lottery_flush_denormals_saving()
        defer { lottery_restore_float_control(savedFloatControl) }
        let network = try makeNetwork(capacity: training.batchSize, densities: densities, kernels: kernels)
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

    /// Bytes a trial's network holds for its prunable layers' weights, gradients,
    /// masks or sparse patterns, and the optimizer's moments, at these densities
    /// and kernels.
    public func weightBytes(densities: (LayerKind) -> Double, kernels: KernelChoice) throws -> Int {
        let network = try makeNetwork(capacity: training.batchSize, densities: densities, kernels: kernels)
        let moments = training.optimizer.kind == .adam ? 2 : training.optimizer.kind == .momentum ? 1 : 0
        return network.weights.reduce(0) { total, weight in
            let stored = weight.value.count
            return total + 4 * stored * (2 + moments) + 4 * (weight.mask?.count ?? 0) + (weight.pattern?.bytes ?? 0)
        }
    }

    /// The kernel of each prunable layer at these densities and kernels.
    public func kernels(densities: (LayerKind) -> Double, kernels: KernelChoice) throws -> [LayerKernel] {
        try makeNetwork(capacity: training.batchSize, densities: densities, kernels: kernels).kernels
    }

    /// Examples per second through evaluation (forward passes in inference mode, in
    /// slices of the capacity a trial's network gets, as `TrainingLoop` evaluates),
    /// over the dataset's test examples `passes` times.
    public func evaluationThroughput(passes: Int, densities: (LayerKind) -> Double = { _ in 1 },
                                     kernels: KernelChoice = .dense) throws -> Double {
        try Lanes.with(BLAS.threads) { try measureEvaluation(passes: passes, densities: densities, kernels: kernels) }
    }

    private func measureEvaluation(passes: Int, densities: (LayerKind) -> Double,
                                   kernels: KernelChoice) throws -> Double {
        let savedFloatControl = lottery_flush_denormals_saving()
        defer { lottery_restore_float_control(savedFloatControl) }
        let capacity = Network.capacity(model: model, inputShape: dataset.info.inputShape,
                                        batchSize: training.batchSize)
        let network = try makeNetwork(capacity: capacity, densities: densities, kernels: kernels)
        let batcher = Batcher(dataset: dataset, network: network)
        _ = batcher.evaluate(indices: nil, from: dataset.test, iteration: 0, split: .test)  // warm-up
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<passes {
            _ = batcher.evaluate(indices: nil, from: dataset.test, iteration: 0, split: .test)
        }
        return Double(passes * dataset.test.count) / (clock.now - start).inSeconds
    }

    /// Examples per second through one 3×3 convolution's forward and backward
    /// passes (∂W and ∂x; the kernel alone, without bias, activation or optimizer)
    /// at `density` (random positions): dense, with the algorithm a network picks,
    /// on the masked weight, or sparse on the kept weights. `input` is
    /// `[channels, height, width]`.
    public static func convolutionThroughput(input: [Int], outputChannels: Int, density: Double, sparse: Bool,
                                             rows: Int, steps: Int, warmup: Int = 2) -> Double {
        let savedFloatControl = lottery_flush_denormals_saving()
        defer { lottery_restore_float_control(savedFloatControl) }
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: input[0], height: input[1], width: input[2]),
                                           outputChannels: outputChannels)
        var generator = SeededGenerator(seed: 1, stream: "convolution-benchmark")
        let count = outputChannels * input[0] * 9
        let keep = FloatBuffer(count: count)
        let weight = FloatBuffer(count: count)
        for i in 0..<count where generator.nextUnitDouble() < density {
            keep[i] = 1
            weight[i] = Float(generator.nextGaussian()) * 0.05
        }
        let kernel: any ConvolutionKernel
        var values = weight
        if sparse {
            let compressed = SparseConvolution(geometry: geometry, keep: keep.pointer)
            values = FloatBuffer(count: compressed.pattern.count)
            compressed.pattern.gather(weight.pointer, into: values.pointer)
            kernel = compressed
        } else {
            kernel = ConvolutionAlgorithm.automatic.resolved(for: geometry).makeKernel(geometry: geometry, capacity: rows)
        }
        let x = FloatBuffer(count: rows * geometry.input.features)
        let y = FloatBuffer(count: rows * geometry.output.features)
        let dx = FloatBuffer(count: x.count)
        let gradient = FloatBuffer(count: values.count)
        for i in 0..<x.count { x[i] = max(0, Float(generator.nextGaussian())) }
        let clock = ContinuousClock()
        var start = clock.now
        for step in 0..<(warmup + steps) {
            if step == warmup { start = clock.now }
            kernel.forward(x.pointer, weight: values.pointer, into: y.pointer, rows: rows, training: true)
            kernel.backward(input: x.pointer, weight: values.pointer, outputGradient: y.pointer,
                            weightGradient: gradient.pointer, inputGradient: dx.pointer, rows: rows)
        }
        return Double(steps * rows) / (clock.now - start).inSeconds
    }

    /// Samples per second if a step were its matrix products only: the `sgemm`
    /// calls of one recorded training step, with the same shapes and strides,
    /// replayed `steps` times on scratch buffers, and nothing else. They are
    /// replayed one after another with OpenBLAS's own threads (`BLAS.threads`):
    /// with more than one thread, training runs convolutions' products in lanes
    /// instead, which can beat this.
    public func gemmThroughput(steps: Int) throws -> Double {
        let calls = try recordedStep()
        func elements(_ call: GEMMRecorder.Call) -> (a: Int, b: Int, c: Int) {
            ((call.transposeA ? call.k : call.m) * call.lda, (call.transposeB ? call.n : call.k) * call.ldb,
             call.m * call.ldc)
        }
        let a = FloatBuffer(count: calls.map { elements($0).a }.max() ?? 1, value: 0.5)
        let b = FloatBuffer(count: calls.map { elements($0).b }.max() ?? 1, value: 0.25)
        let c = FloatBuffer(count: calls.map { elements($0).c }.max() ?? 1)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<steps {
            for call in calls {
                BLAS.gemm(transposeA: call.transposeA, transposeB: call.transposeB, m: call.m, n: call.n, k: call.k,
                          a: a.pointer, lda: call.lda, b: b.pointer, ldb: call.ldb, beta: call.beta,
                          c: c.pointer, ldc: call.ldc)
            }
        }
        return Double(steps * training.batchSize) / (clock.now - start).inSeconds
    }

    /// Floating-point operations of one training step's matrix products.
    public func gemmFlopsPerStep() throws -> Double {
        try recordedStep().reduce(0) { $0 + 2 * Double($1.m) * Double($1.n) * Double($1.k) }
    }

    /// The matrix products of one training step (forward and backward; the
    /// optimizer makes none).
    private func recordedStep() throws -> [GEMMRecorder.Call] {
        let network = try makeNetwork()
        network.initialize(seed: 0)
        let batcher = Batcher(dataset: dataset, network: network)
        let batch = training.batchSize
        dataset.trainIndices.withUnsafeBufferPointer {
            batcher.load(indices: UnsafeBufferPointer(rebasing: $0[0..<batch]), from: dataset.trainFile)
        }
        // One thread while recording: with more, a convolution's lanes would call
        // `gemm` from several threads at once, and the recorder is not shared-safe.
        // The lanes make the same products either way, only on different threads.
        let threads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = threads }
        return GEMMRecorder.record { network.forwardBackward(labels: batcher.labels, rows: batch) }
    }

    private func makeNetwork() throws -> Network {
        try Network(model: model, inputShape: dataset.info.inputShape, classes: dataset.info.classes,
                    capacity: training.batchSize, convolutions: convolutions)
    }

    /// A network at θ0 whose prunable layers keep their kind's density of
    /// weights at random positions, its kernels chosen as a trial chooses them.
    private func makeNetwork(capacity: Int, densities: (LayerKind) -> Double,
                             kernels: KernelChoice) throws -> Network {
        let network = try Network(model: model, inputShape: dataset.info.inputShape, classes: dataset.info.classes,
                                  capacity: capacity, convolutions: convolutions)
        var mask = Mask.dense(for: network)
        for index in mask.layers.indices {
            let count = mask.layers[index].keep.count
            let kept = Int((Double(count) * densities(mask.layers[index].kind)).rounded())
            mask.layers[index].keep = (0..<count).map { $0 < kept ? 1 : 0 }
        }
        if mask.layers.contains(where: { $0.remaining < $0.keep.count }) {
            mask = Pruner.randomMask(like: mask, seed: 1, replicate: 0)
        }
        try mask.apply(to: network)
        network.initialize(seed: 0)
        network.selectKernels(kernels)
        return network
    }

    /// `count` examples of `info`'s shape with uniformly random pixels and labels:
    /// for timing, where the values do not matter, when the real files are not here.
    public static func syntheticDataset(like info: DatasetInfo, count: Int) throws -> Dataset {
        var generator = SeededGenerator(seed: 1, stream: "benchmark-data")
        let features = info.inputShape.reduce(1, *)
        let pixels = (0..<(count * features)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let labels = (0..<count).map { _ in UInt8(generator.nextIndex(below: info.classes)) }
        let examples = Examples(pixels: pixels, labels: labels, featuresPerExample: features)
        return try Dataset(info: info, folder: "(synthetic)", trainFile: examples, test: examples,
                           validationSize: 0, splitSeed: 0)
    }
}

/// Peak resident memory of this process so far, in bytes (VmHWM), if known.
public func peakResidentBytes() -> Int? {
    guard let line = ProcFile.lines("/proc/self/status").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    return Int(line.filter(\.isNumber)).map { $0 * 1024 }
}
