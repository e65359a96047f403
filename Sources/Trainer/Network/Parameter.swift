import SweepPlan

/// One trainable tensor with its gradient and, for prunable weights, its mask.
public final class Parameter: @unchecked Sendable {
    // @unchecked: owned by one network, used by one thread at a time.
    /// `fc1.weight`, `fc1.bias`, `output.weight`, …
    public let name: String
    /// The layer's name, shared by its weight and bias (`fc1`).
    public let layerName: String
    /// Set for prunable weights; nil for biases, which are never pruned.
    public let kind: LayerKind?
    public let value: FloatBuffer
    public let gradient: FloatBuffer
    /// 1 where the weight is kept, 0 where pruned; nil for biases.
    public let mask: FloatBuffer?
    /// Inputs and outputs feeding one weight, for Glorot initialisation.
    public let fanIn: Int
    public let fanOut: Int

    init(layerName: String, isWeight: Bool, kind: LayerKind?, count: Int, fanIn: Int, fanOut: Int) {
        self.layerName = layerName
        self.name = layerName + (isWeight ? ".weight" : ".bias")
        self.kind = isWeight ? kind : nil
        self.value = FloatBuffer(count: count)
        self.gradient = FloatBuffer(count: count)
        self.mask = isWeight ? FloatBuffer(count: count, value: 1) : nil
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
