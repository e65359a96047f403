import SweepPlan

/// A feed-forward classifier with its activation buffers, for batches of up to
/// `capacity` examples.
public final class Network: @unchecked Sendable {
    // @unchecked: a network is trained by one thread at a time.
    public let model: ModelSpec
    public let inputFeatures: Int
    public let classes: Int
    public let capacity: Int
    let layers: [any Layer]
    /// Every trainable tensor, weights and biases, in layer order.
    public let parameters: [Parameter]
    /// activations[0] is the input batch; activations[i + 1] the output of layer i.
    private let activations: [FloatBuffer]
    private let gradients: [FloatBuffer]

    /// Builds the model for inputs of `inputShape` (`[channels, height, width]`);
    /// weights start at zero until `initialize` draws them.
    public init(model: ModelSpec, inputShape: [Int], classes: Int, capacity: Int) throws {
        guard model.isMultilayerPerceptron else {
            throw TrainerError.unsupportedModel(
                "\(model.name): convolution, pooling and dropout layers are not built yet; "
                    + "this version trains multilayer perceptrons (dense layers) only")
        }
        self.model = model
        self.classes = classes
        self.capacity = capacity
        inputFeatures = inputShape.reduce(1, *)
        var layers: [any Layer] = []
        var features = inputFeatures
        for (index, layer) in model.layers.enumerated() {
            guard case .dense(let units) = layer, units > 0 else {
                throw TrainerError.unsupportedModel("\(model.name): layer \(index + 1) must have a positive size")
            }
            layers.append(DenseLayer(name: "fc\(index + 1)", kind: .fc, inputs: features, outputs: units, relu: true))
            features = units
        }
        layers.append(DenseLayer(name: "output", kind: .output, inputs: features, outputs: classes, relu: false))
        self.layers = layers
        parameters = layers.flatMap(\.parameters)
        activations = [FloatBuffer(count: capacity * inputFeatures)]
            + layers.map { FloatBuffer(count: capacity * $0.outputFeatures) }
        gradients = activations.map { FloatBuffer(count: $0.count) }
    }

    /// The prunable weight tensors, in layer order.
    public var weights: [Parameter] { parameters.filter(\.isPrunable) }

    /// Where a batch's inputs go before `forward`: `capacity × inputFeatures` floats.
    public var input: UnsafeMutablePointer<Float> { activations[0].pointer }

    /// Gaussian Glorot initialisation (std = √(2 / (fan-in + fan-out))), biases zero,
    /// from streams derived from `seed`, one per tensor, so it is bit-identical on
    /// every machine. Masked weights are zeroed afterwards.
    public func initialize(seed: UInt64, stream: String = "init") {
        for (index, parameter) in parameters.enumerated() {
            guard parameter.isPrunable else {
                parameter.value.fill(0)
                continue
            }
            var generator = SeededGenerator(seed: seed, stream: stream, index: index)
            let deviation = (2.0 / Double(parameter.fanIn + parameter.fanOut)).squareRoot()
            let w = parameter.value.pointer
            for i in 0..<parameter.count {
                w[i] = Float(generator.nextGaussian() * deviation)
            }
            parameter.applyMask()
        }
    }

    /// Runs the inputs in `input` through every layer; returns the logits.
    @discardableResult
    public func forward(rows: Int) -> UnsafeMutablePointer<Float> {
        precondition(rows <= capacity)
        for (index, layer) in layers.enumerated() {
            layer.forward(activations[index].pointer, into: activations[index + 1].pointer, rows: rows)
        }
        return activations[layers.count].pointer
    }

    /// Forward and backward for one batch: sets every parameter's gradient of the
    /// mean loss; returns the batch's summed loss and correct predictions.
    @discardableResult
    public func forwardBackward(labels: UnsafePointer<Int32>, rows: Int) -> (lossSum: Double, correct: Int) {
        let logits = forward(rows: rows)
        let last = layers.count
        let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, rows: rows, classes: classes,
                                                  gradient: gradients[last].pointer)
        for index in stride(from: last - 1, through: 0, by: -1) {
            layers[index].backward(input: activations[index].pointer, output: activations[index + 1].pointer,
                                   outputGradient: gradients[index + 1].pointer,
                                   inputGradient: index > 0 ? gradients[index].pointer : nil, rows: rows)
        }
        return result
    }

    /// Loss and correct predictions for inputs already in `input`, without gradients.
    public func evaluate(labels: UnsafePointer<Int32>, rows: Int) -> (lossSum: Double, correct: Int) {
        let logits = forward(rows: rows)
        return SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, rows: rows, classes: classes,
                                            gradient: nil)
    }

    /// Weights kept per prunable layer.
    public var densities: [LayerDensity] {
        weights.map { LayerDensity(name: $0.layerName, kind: $0.kind ?? .fc, remaining: $0.remaining, total: $0.count) }
    }
}
