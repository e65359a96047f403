import LotteryCore

/// A feed-forward classifier with its activation buffers, for batches of up to
/// `capacity` examples.
public final class Network: @unchecked Sendable {
    // @unchecked: a network is trained by one thread at a time.
    public let model: ModelSpec
    public let inputFeatures: Int
    public let classes: Int
    public let capacity: Int
    let layers: [any Layer]
    /// Every trainable tensor, weights and biases (and batch normalization's γ
    /// and β), in layer order.
    public let parameters: [Parameter]
    /// Batch normalization's running statistics, in layer order: not trained by
    /// the optimizer, but part of every snapshot (`Weights`).
    public let state: [StateTensor]
    /// activations[0] is the input batch; activations[i + 1] the output of layer i,
    /// in that layer's layout (the input in the first layer's).
    private let activations: [FloatBuffer]
    private let gradients: [FloatBuffer]
    /// For each layer whose input arrives in another layout than it reads: its
    /// input converted, and its input gradient before converting back.
    var staging: [Int: (input: FloatBuffer, gradient: FloatBuffer)] = [:]

    /// Builds the model for inputs of `inputShape` (`[channels, height, width]`);
    /// weights start at zero until `initialize` draws them.
    /// `convolutions` picks how 3×3 convolutions compute (benchmarks compare them).
    public init(model: ModelSpec, inputShape: [Int], classes: Int, capacity: Int,
                convolutions: ConvolutionAlgorithm = .automatic) throws {
        self.model = model
        self.classes = classes
        self.capacity = capacity
        let shapes = try Self.activationShapes(model: model, inputShape: inputShape)
        inputFeatures = shapes[0].features
        var layers: [any Layer] = []
        var convolutionCount = 0
        var denseCount = 0
        for (index, spec) in model.layers.enumerated() {
            let input = shapes[index]
            switch spec {
            case .dense(let units):
                denseCount += 1
                layers.append(DenseLayer(name: "fc\(denseCount)", kind: .fc, inputs: input.features, outputs: units,
                                         relu: true))
            case .conv3x3(let channels):
                convolutionCount += 1
                layers.append(ConvolutionLayer(name: "conv\(convolutionCount)", input: input, outputChannels: channels,
                                               capacity: capacity, algorithm: convolutions))
            case .maxPool2x2:
                layers.append(MaxPoolLayer(input: input, capacity: capacity))
            case .dropout(let rate):
                layers.append(DropoutLayer(shape: input, rate: rate, capacity: capacity))
            case .convBN(let channels, let stride):
                convolutionCount += 1
                layers.append(ConvBNLayer(name: "conv\(convolutionCount)", input: input, outputChannels: channels,
                                          stride: stride, capacity: capacity, algorithm: convolutions))
            case .residualBlock(let channels, let stride):
                layers.append(ResidualBlockLayer(firstIndex: convolutionCount + 1, input: input, channels: channels,
                                                 stride: stride, capacity: capacity, algorithm: convolutions))
                convolutionCount += 2
            case .globalAveragePool:
                layers.append(GlobalAveragePoolLayer(input: input))
            }
        }
        layers.append(DenseLayer(name: "output", kind: .output, inputs: shapes[model.layers.count].features,
                                 outputs: classes, relu: false))
        self.layers = layers
        parameters = layers.flatMap(\.parameters)
        state = layers.flatMap(\.state)
        activations = [FloatBuffer(count: ActivationLayout.capacity(rows: capacity, features: inputFeatures))]
            + layers.map { FloatBuffer(count: ActivationLayout.capacity(rows: capacity, features: $0.outputFeatures)) }
        gradients = activations.map { FloatBuffer(count: $0.count) }
    }

    /// The activation shape before each hidden layer and after the last one,
    /// checking that the model fits the input.
    static func activationShapes(model: ModelSpec, inputShape: [Int]) throws -> [ActivationShape] {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw TrainerError.unsupportedModel("input shape \(inputShape) must be [channels, height, width]")
        }
        var shape = ActivationShape(channels: inputShape[0], height: inputShape[1], width: inputShape[2])
        var shapes = [shape]
        var flattened = false
        for (index, spec) in model.layers.enumerated() {
            let position = "\(model.name): layer \(index + 1) (\(spec.summary))"
            switch spec {
            case .dense(let units):
                guard units > 0 else { throw TrainerError.unsupportedModel("\(position) must have a positive size") }
                shape = ActivationShape(channels: units, height: 1, width: 1)
                flattened = true
            case .conv3x3(let channels):
                guard channels > 0 else {
                    throw TrainerError.unsupportedModel("\(position) must have a positive number of channels")
                }
                guard !flattened else {
                    throw TrainerError.unsupportedModel("\(position) comes after a fully connected layer; "
                        + "convolutions must come first")
                }
                shape.channels = channels
            case .maxPool2x2:
                guard !flattened, shape.height >= 2, shape.width >= 2 else {
                    throw TrainerError.unsupportedModel("\(position) needs an image of at least 2×2, "
                        + "but its input is \(shape); use fewer pooling layers for this input")
                }
                shape.height /= 2
                shape.width /= 2
            case .dropout(let rate):
                guard rate >= 0, rate < 1 else {
                    throw TrainerError.unsupportedModel("\(position): the dropout rate must be in [0, 1)")
                }
            case .convBN(let channels, let stride), .residualBlock(let channels, let stride):
                guard channels > 0 else {
                    throw TrainerError.unsupportedModel("\(position) must have a positive number of channels")
                }
                guard stride == 1 || stride == 2 else {
                    throw TrainerError.unsupportedModel("\(position): the stride must be 1 or 2, not \(stride)")
                }
                guard !flattened else {
                    throw TrainerError.unsupportedModel("\(position) comes after a fully connected layer; "
                        + "convolutions must come first")
                }
                shape = ConvolutionGeometry(input: shape, outputChannels: channels, stride: stride).output
            case .globalAveragePool:
                guard !flattened else {
                    throw TrainerError.unsupportedModel("\(position) comes after a fully connected layer; "
                        + "pooling must come before them")
                }
                shape = ActivationShape(channels: shape.channels, height: 1, width: 1)
                flattened = true
            }
            shapes.append(shape)
        }
        return shapes
    }

    /// How many examples a network is built for: the batch, and more for
    /// evaluation (which runs in slices of this size) as long as the activation
    /// buffers stay within `budgetBytes`. Large inputs to convolutions need
    /// megabytes per example.
    public static func capacity(model: ModelSpec, inputShape: [Int], batchSize: Int,
                                budgetBytes: Int = 256 << 20) -> Int {
        guard let shapes = try? activationShapes(model: model, inputShape: inputShape) else { return batchSize }
        // Activations and their gradients, and what layers keep inside, 4 bytes each.
        let inner = zip(model.layers, shapes).reduce(0) { total, pair in
            switch pair.0 {
            case .convBN(let channels, let stride):
                total + ConvolutionGeometry(input: pair.1, outputChannels: channels, stride: stride).output.features
            case .residualBlock(let channels, let stride):
                total + ResidualBlockLayer.innerFeatures(input: pair.1, channels: channels, stride: stride)
            default: total
            }
        }
        let bytesPerExample = 4 * (2 * shapes.reduce(0) { $0 + $1.features } + inner)
        let fits = budgetBytes / max(bytesPerExample, 1)
        return max(batchSize, min(1_000, fits))
    }

    /// The prunable weight tensors, in layer order.
    public var weights: [Parameter] { parameters.filter(\.isPrunable) }

    /// Where a batch's inputs go before `forward`, in `inputLayout`.
    public var input: UnsafeMutablePointer<Float> { activations[0].pointer }

    /// The layout `input` is read in: the first layer's.
    var inputLayout: ActivationLayout { layers[0].layout }

    /// The layout of the logits: the last layer's.
    private var outputLayout: ActivationLayout { layers[layers.count - 1].layout }

    /// Loads a batch given example after example (`rows × inputFeatures`) into
    /// `input`, in its layout.
    public func loadInput(_ values: UnsafePointer<Float>, rows: Int) {
        precondition(rows <= capacity)
        ActivationLayout.examples.convert(values, to: inputLayout, into: input, rows: rows, features: inputFeatures)
    }

    /// Gaussian Glorot initialisation (std = √(2 / (fan-in + fan-out))), biases
    /// and β zero, γ one, from streams derived from `seed`, one per tensor, so it
    /// is bit-identical on every machine. Masked weights are zeroed afterwards.
    /// Running statistics start afresh (mean 0, variance 1): θ0 is an untrained
    /// network, so a reset to θ0 forgets what training measured.
    public func initialize(seed: UInt64, stream: String = "init") {
        for tensor in state { tensor.reset() }
        for (index, parameter) in parameters.enumerated() {
            guard parameter.isPrunable else {
                parameter.value.fill(parameter.role.initialValue)
                continue
            }
            var generator = SeededGenerator(seed: seed, stream: stream, index: index)
            let deviation = (2.0 / Double(parameter.fanIn + parameter.fanOut)).squareRoot()
            // Every element is drawn, kept or not, so θ0 does not depend on the
            // mask, nor on whether the tensor is compressed.
            let drawn = parameter.isCompressed ? FloatBuffer(count: parameter.count) : parameter.value
            let w = drawn.pointer
            for i in 0..<parameter.count {
                w[i] = Float(generator.nextGaussian() * deviation)
            }
            if parameter.isCompressed {
                parameter.setDenseValues(w)
            } else {
                parameter.applyMask()
            }
        }
    }

    /// Runs the inputs in `input` through every layer; returns the logits (in
    /// `outputLayout`). `training` turns dropout on and lets layers keep what
    /// `backward` needs.
    @discardableResult
    func forward(rows: Int, training: Bool = false) -> UnsafeMutablePointer<Float> {
        precondition(rows <= capacity)
        for (index, layer) in layers.enumerated() {
            var input = activations[index].pointer
            if let stage = staging[index] {
                layers[index - 1].layout.convert(input, to: layer.layout, into: stage.input.pointer, rows: rows,
                                                 features: layer.inputFeatures)
                input = stage.input.pointer
            }
            layer.forward(input, into: activations[index + 1].pointer, rows: rows, training: training)
        }
        return activations[layers.count].pointer
    }

    /// Forward and backward for one batch: sets every parameter's gradient of the
    /// mean loss; returns the batch's summed loss and correct predictions.
    @discardableResult
    public func forwardBackward(labels: UnsafePointer<Int32>, rows: Int) -> (lossSum: Double, correct: Int) {
        let logits = forward(rows: rows, training: true)
        let last = layers.count
        let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, rows: rows, classes: classes,
                                                  layout: outputLayout, gradient: gradients[last].pointer)
        for index in stride(from: last - 1, through: 0, by: -1) {
            let layer = layers[index]
            let stage = staging[index]
            let inputGradient = index > 0 ? (stage?.gradient.pointer ?? gradients[index].pointer) : nil
            layer.backward(input: stage?.input.pointer ?? activations[index].pointer,
                           output: activations[index + 1].pointer,
                           outputGradient: gradients[index + 1].pointer, inputGradient: inputGradient, rows: rows)
            if index > 0, let stage {
                layer.layout.convert(stage.gradient.pointer, to: layers[index - 1].layout, into: gradients[index].pointer,
                                     rows: rows, features: layer.inputFeatures)
            }
        }
        return result
    }

    /// Loss and correct predictions for inputs already in `input`, without gradients.
    public func evaluate(labels: UnsafePointer<Int32>, rows: Int) -> (lossSum: Double, correct: Int) {
        let logits = forward(rows: rows)
        return SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, rows: rows, classes: classes,
                                            layout: outputLayout, gradient: nil)
    }

    /// Runs `body`, which must not change the weights (evaluations), with the
    /// convolutions told so: Winograd transforms its kernels once instead of for
    /// every slice.
    func withFrozenWeights<T>(_ body: () throws -> T) rethrows -> T {
        let kernels = layers.flatMap(\.convolutionKernels)
        for kernel in kernels { kernel.weightsFrozen(true) }
        defer { for kernel in kernels { kernel.weightsFrozen(false) } }
        return try body()
    }

    /// Starts the stream dropout layers draw from; a training run sets it from its seed.
    public func seedDropout(_ seed: UInt64) {
        for case let (index, layer as DropoutLayer) in layers.enumerated() {
            layer.generator = SeededGenerator(seed: seed, stream: "dropout", index: index)
        }
    }

    /// Weights kept per prunable layer.
    public var densities: [LayerDensity] {
        weights.map { LayerDensity(name: $0.layerName, kind: $0.kind ?? .fc, remaining: $0.remaining, total: $0.count) }
    }
}
