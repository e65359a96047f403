import SweepPlan

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
    public let value: FloatBuffer
    public let gradient: FloatBuffer
    /// 1 where the weight is kept, 0 where pruned; nil for biases.
    public let mask: FloatBuffer?
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
        self.value = FloatBuffer(count: count, value: role.initialValue)
        self.gradient = FloatBuffer(count: count)
        self.mask = role == .weight ? FloatBuffer(count: count, value: 1) : nil
        self.fanIn = fanIn
        self.fanOut = fanOut
    }

    public var count: Int { value.count }
    public var isPrunable: Bool { mask != nil }

    /// Weights kept by the mask (all, for a bias).
    public var remaining: Int {
        guard let mask else { return count }
        var kept = 0
        for i in 0..<count where mask.pointer[i] != 0 { kept += 1 }
        return kept
    }

    /// Sets the pruned weights to +0 (not −0, which a multiplication by the mask
    /// would leave for negative weights); the optimizer keeps them there.
    public func applyMask() {
        guard let mask else { return }
        let w = value.pointer
        let m = mask.pointer
        for i in 0..<count where m[i] == 0 { w[i] = 0 }
    }
}
