/// What a layer of a model is, independent of how it is computed.
///
/// The trainer turns these into forward and backward passes; the sweep planner
/// only needs them to validate presets and to count weights.
public enum LayerSpec: Hashable, Sendable, Codable {
    /// Fully connected layer with `units` outputs, followed by ReLU.
    case dense(units: Int)
    /// 3×3 convolution with `channels` outputs, padding that keeps the size, ReLU.
    case conv3x3(channels: Int)
    /// 2×2 max-pool with stride 2.
    case maxPool2x2
    /// Dropout applied to the previous layer's output during training.
    case dropout(rate: Double)
    /// 3×3 convolution with `channels` outputs (no bias), batch normalization, ReLU.
    /// Stride 1 keeps the size; stride 2 halves it (rounding up), with one pixel of padding.
    case convBN(channels: Int, stride: Int)
    /// He et al.'s basic residual block: convBN(channels, stride), then a 3×3
    /// convolution and batch normalization, added to a shortcut, then ReLU. The
    /// shortcut is the input itself, or a 1×1 convolution with the block's stride
    /// and batch normalization when the stride or the number of channels changes.
    case residualBlock(channels: Int, stride: Int)
    /// The mean of each channel over its whole plane: `channels × 1 × 1`.
    case globalAveragePool

    /// How the layer is written in messages: `dense 300`, `conv3x3 64`, `max-pool 2×2`,
    /// `dropout 0.5`, `conv3x3+bn 64 stride 2`, `residual 32 stride 2`, `global average pool`.
    public var summary: String {
        switch self {
        case .dense(let units): "dense \(units)"
        case .conv3x3(let channels): "conv3x3 \(channels)"
        case .maxPool2x2: "max-pool 2×2"
        case .dropout(let rate): "dropout \(rate)"
        case .convBN(let channels, let stride): "conv3x3+bn \(channels)" + (stride == 1 ? "" : " stride \(stride)")
        case .residualBlock(let channels, let stride): "residual \(channels)" + (stride == 1 ? "" : " stride \(stride)")
        case .globalAveragePool: "global average pool"
        }
    }
}

/// How the pruning rules see a layer. Biases are never pruned.
public enum LayerKind: String, Hashable, Sendable, Codable, CaseIterable {
    case conv
    case fc
    /// The last fully connected layer (the paper prunes it at half the fc rate).
    case output
}

/// A model: its hidden layers, in order. The output layer (fully connected, one
/// unit per class, no activation) follows them implicitly.
public struct ModelSpec: Hashable, Sendable, Codable {
    /// The preset's name (`lenet-300-100`) or a name describing a custom stack.
    public var name: String
    public var layers: [LayerSpec]

    public init(name: String, layers: [LayerSpec]) {
        self.name = name
        self.layers = layers
    }

    /// A multilayer perceptron with the given hidden sizes, named like `mlp-300-100`.
    public static func mlp(hidden: [Int]) -> ModelSpec {
        ModelSpec(name: (["mlp"] + hidden.map(String.init)).joined(separator: "-"),
                  layers: hidden.map { .dense(units: $0) })
    }

    /// The paper's dropout variant: dropout at `rate` after every hidden fully
    /// connected layer, named like `conv-2-dropout-0.5`. Rate 0 leaves the model as it is.
    public func withDropout(_ rate: Double) -> ModelSpec {
        guard rate > 0 else { return self }
        return ModelSpec(name: "\(name)-dropout-\(rate)",
                         layers: layers.flatMap { layer -> [LayerSpec] in
                             if case .dense = layer { [layer, .dropout(rate: rate)] } else { [layer] }
                         })
    }

    /// True when every layer is fully connected (the trainer's MLP path).
    public var isMultilayerPerceptron: Bool {
        layers.allSatisfy { if case .dense = $0 { true } else { false } }
    }
}

/// The shape and size of one prunable weight tensor, as a model with a given
/// input lays it out.
public struct WeightShape: Hashable, Sendable, Codable {
    /// `fc1`, `fc2`, …, `conv1`, …, `output`; a residual block's projection
    /// shortcut is named after the block's first convolution: `conv8.shortcut`.
    public var name: String
    public var kind: LayerKind
    /// Number of weights (biases excluded).
    public var count: Int

    public init(name: String, kind: LayerKind, count: Int) {
        self.name = name
        self.kind = kind
        self.count = count
    }
}

extension ModelSpec {
    /// The prunable weight tensors of this model on an input of shape
    /// `[channels, height, width]` with `classes` outputs.
    public func weightShapes(input: [Int], classes: Int) -> [WeightShape] {
        tensors(input: input, classes: classes).map(\.weights)
    }

    /// How many values a snapshot of this model holds (the trainer's `Weights`, a
    /// `weights` artifact, docs/PROTOCOL.md §3.1): every parameter (weights, biases,
    /// batch normalization's γ and β) and every running statistic (its mean and
    /// variance), on an input of shape `[channels, height, width]` with `classes`
    /// outputs. The trainer's `Network` lays out the same count; a test keeps them equal.
    public func snapshotValueCount(input: [Int], classes: Int) -> Int {
        tensors(input: input, classes: classes).reduce(0) { $0 + $1.weights.count + $1.companions }
    }

    /// Each prunable weight tensor, with how many values the snapshot holds beside it
    /// for the same outputs: the bias of a plain convolution or dense layer (one per
    /// output), or the four of batch normalization (γ, β, mean, variance per channel).
    private func tensors(input: [Int], classes: Int) -> [(weights: WeightShape, companions: Int)] {
        var channels = input.count == 3 ? input[0] : 1
        var height = input.count == 3 ? input[1] : 1
        var width = input.count == 3 ? input[2] : input.reduce(1, *)
        var flat: Int? = nil  // features once the stack has gone fully connected
        var shapes: [(weights: WeightShape, companions: Int)] = []
        var convIndex = 0
        var fcIndex = 0
        let normalized = 4  // γ, β, running mean, running variance
        for layer in layers {
            switch layer {
            case .conv3x3(let out):
                convIndex += 1
                shapes.append((WeightShape(name: "conv\(convIndex)", kind: .conv, count: 9 * channels * out), out))
                channels = out
            case .maxPool2x2:
                height /= 2
                width /= 2
            case .dense(let units):
                let inputs = flat ?? channels * height * width
                fcIndex += 1
                shapes.append((WeightShape(name: "fc\(fcIndex)", kind: .fc, count: inputs * units), units))
                flat = units
            case .convBN(let out, let stride):
                convIndex += 1
                shapes.append((WeightShape(name: "conv\(convIndex)", kind: .conv, count: 9 * channels * out),
                               normalized * out))
                channels = out
                height = Self.strided(height, stride)
                width = Self.strided(width, stride)
            case .residualBlock(let out, let stride):
                let first = convIndex + 1
                convIndex += 2
                shapes.append((WeightShape(name: "conv\(first)", kind: .conv, count: 9 * channels * out), normalized * out))
                shapes.append((WeightShape(name: "conv\(first + 1)", kind: .conv, count: 9 * out * out), normalized * out))
                if Self.residualBlockHasProjection(inputChannels: channels, channels: out, stride: stride) {
                    shapes.append((WeightShape(name: "conv\(first).shortcut", kind: .conv, count: channels * out),
                                   normalized * out))
                }
                channels = out
                height = Self.strided(height, stride)
                width = Self.strided(width, stride)
            case .globalAveragePool:
                height = 1
                width = 1
            case .dropout:
                break
            }
        }
        let inputs = flat ?? channels * height * width
        shapes.append((WeightShape(name: "output", kind: .output, count: inputs * classes), classes))
        return shapes
    }

    /// Multiply-adds of one example's forward pass through the convolutions (3×3
    /// and 1×1 shortcuts) on an input of shape `[channels, height, width]`: the
    /// bulk of a conv net's work, for sizing benchmarks.
    public func convolutionMultiplyAdds(input: [Int]) -> Int {
        guard input.count == 3 else { return 0 }
        var channels = input[0], height = input[1], width = input[2]
        var total = 0
        for layer in layers {
            switch layer {
            case .conv3x3(let out):
                total += 9 * channels * out * height * width
                channels = out
            case .convBN(let out, let stride):
                height = Self.strided(height, stride)
                width = Self.strided(width, stride)
                total += 9 * channels * out * height * width
                channels = out
            case .residualBlock(let out, let stride):
                let projects = Self.residualBlockHasProjection(inputChannels: channels, channels: out, stride: stride)
                height = Self.strided(height, stride)
                width = Self.strided(width, stride)
                total += (9 * channels * out + 9 * out * out + (projects ? channels * out : 0)) * height * width
                channels = out
            case .maxPool2x2:
                height /= 2
                width /= 2
            case .globalAveragePool, .dense:
                return total
            case .dropout:
                break
            }
        }
        return total
    }

    /// The output size of a 3×3 convolution with one pixel of padding (or a 1×1
    /// one without) at `stride` along a side of `size`: ⌈size / stride⌉.
    public static func strided(_ size: Int, _ stride: Int) -> Int {
        (size + stride - 1) / max(stride, 1)
    }

    /// True when a residual block's shortcut needs a 1×1 convolution: it changes
    /// the size or the number of channels, so the input cannot be added as it is.
    public static func residualBlockHasProjection(inputChannels: Int, channels: Int, stride: Int) -> Bool {
        stride != 1 || inputChannels != channels
    }
}
