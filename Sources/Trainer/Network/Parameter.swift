import LotteryCore

/// One trainable tensor with its gradient and, for prunable weights, its mask.
public final class Parameter: @unchecked Sendable {
    // @unchecked: owned by one network, used by one thread at a time.

    /// What a tensor is to initialization and pruning.
    public enum Role: Sendable {
        /// Weights of a convolution or a fully connected layer: prunable, Glorot-initialized.
        case weight
        /// A bias, or batch normalization's shift β: never pruned, starts at 0.
        case bias
        /// Batch normalization's scale γ: never pruned, starts at 1.
        case scale

        /// What θ0 holds for a tensor that is not drawn (biases and scales).
        var initialValue: Float { self == .scale ? 1 : 0 }
    }

    /// `fc1.weight`, `fc1.bias`, `output.weight`, `conv2.bn.gamma`, …
    public let name: String
    /// The layer's name, shared by its weight and bias (`fc1`).
    public let layerName: String
    public let role: Role
    /// Set for prunable weights; nil for biases and batch normalization's
    /// parameters, which are never pruned.
    public let kind: LayerKind?
    /// The stored values: every element of a dense tensor, or only the kept
    /// weights of a compressed one (in its pattern's order).
    public private(set) var value: FloatBuffer
    /// The loss's gradient for each stored value.
    public private(set) var gradient: FloatBuffer
    /// For dense prunable weights: 1 where the weight is kept, 0 where pruned.
    /// Nil for biases, and for compressed weights, which store kept weights only.
    public private(set) var mask: FloatBuffer?
    /// Where the stored values sit, once a sparse layer has compressed its weight.
    package private(set) var pattern: SparsePattern?
    /// Elements of the tensor, kept or not.
    public let count: Int
    /// Inputs and outputs feeding one weight, for Glorot initialisation.
    public let fanIn: Int
    public let fanOut: Int

    convenience init(layerName: String, isWeight: Bool, kind: LayerKind?, count: Int, fanIn: Int, fanOut: Int) {
        self.init(name: layerName + (isWeight ? ".weight" : ".bias"), layerName: layerName,
                  role: isWeight ? .weight : .bias, kind: kind, count: count, fanIn: fanIn, fanOut: fanOut)
    }

    /// A tensor of any role; only `.weight` gets a kind and a mask.
    init(name: String, layerName: String, role: Role, kind: LayerKind?, count: Int, fanIn: Int = 1, fanOut: Int = 1) {
        self.name = name
        self.layerName = layerName
        self.role = role
        self.kind = role == .weight ? kind : nil
        self.count = count
        self.value = FloatBuffer(count: count, value: role.initialValue)
        self.gradient = FloatBuffer(count: count)
        self.mask = role == .weight ? FloatBuffer(count: count, value: 1) : nil
        self.fanIn = fanIn
        self.fanOut = fanOut
    }

    public var isPrunable: Bool { role == .weight }
    /// True once the tensor stores its kept weights only.
    public var isCompressed: Bool { pattern != nil }

    /// Weights kept by the mask (all, for a bias).
    public var remaining: Int {
        if let pattern { return pattern.count }
        guard let mask else { return count }
        var kept = 0
        for i in 0..<count where mask.pointer[i] != 0 { kept += 1 }
        return kept
    }

    /// Sets the pruned weights to +0 (not −0, which a multiplication by the mask
    /// would leave for negative weights); the optimizer keeps them there. A
    /// compressed tensor has no pruned weights to set.
    public func applyMask() {
        guard let mask else { return }
        let w = value.pointer
        let m = mask.pointer
        for i in 0..<count where m[i] == 0 { w[i] = 0 }
    }

    /// Every element's value, +0 where pruned, whether or not the tensor is compressed.
    public var denseValues: [Float] {
        guard let pattern else { return value.array }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            pattern.scatter(value.pointer, into: buffer.baseAddress!)
            initialized = count
        }
    }

    /// Sets every element from `values` (`count` of them): a compressed tensor
    /// reads its kept positions only; a dense one then zeroes what its mask prunes.
    public func setDenseValues(_ values: UnsafePointer<Float>) {
        if let pattern {
            pattern.gather(values, into: value.pointer)
        } else {
            value.pointer.update(from: values, count: count)
            applyMask()
        }
    }

    /// 1 where kept, 0 where pruned, for every element.
    var keep: [Float] {
        if let pattern {
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                pattern.keep(into: buffer.baseAddress!)
                initialized = count
            }
        }
        return mask?.array ?? [Float](repeating: 1, count: count)
    }

    /// Installs a mask on a dense prunable tensor (`keep`: nonzero = kept) and
    /// zeroes what it prunes.
    func setMask(_ keep: (Int) -> Float) {
        guard let mask else {
            preconditionFailure("\(name) has no mask to set" + (isCompressed ? " once compressed" : ""))
        }
        for i in 0..<count { mask.pointer[i] = keep(i) }
        applyMask()
    }

    /// Switches to storing the kept weights only, as `pattern` says (built from
    /// this tensor's mask): values, gradient and mask of the dense form are freed.
    func compress(_ pattern: SparsePattern) {
        precondition(self.pattern == nil && mask != nil && pattern.inputs * pattern.outputs == count)
        let stored = FloatBuffer(count: pattern.count)
        pattern.gather(value.pointer, into: stored.pointer)
        value = stored
        gradient = FloatBuffer(count: pattern.count)
        mask = nil
        self.pattern = pattern
    }
}
