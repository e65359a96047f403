import LotteryCore

/// How one prunable layer computes.
public struct LayerKernel: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var isSparse: Bool
    public var kept: Int
    public var total: Int

    /// Kept weights over all weights.
    public var density: Double { Double(kept) / Double(max(total, 1)) }

    public var description: String {
        "\(name) \(isSparse ? "sparse" : "dense") at \(String(format: "%.1f", density * 100))%"
    }
}

extension Network {
    /// Chooses the kernel of each fully connected layer and each plain 3×3
    /// convolution as `choice` says and lays the activations out for it: a run of
    /// consecutive fully connected layers with a sparse one among them reads
    /// `.features` throughout, so activations are converted only where the run
    /// begins and ends (after a convolution, and at nothing for LeNet: the batch is
    /// loaded that way and the loss reads it). A sparse convolution reads the
    /// layout a dense one does.
    ///
    /// Call once the mask is set and before the optimizer is made: compressing a
    /// weight frees its dense form and cannot be undone. The convolutions of
    /// ResNet-18 and VGG-19 (with batch normalization) stay dense whatever `choice`
    /// says; they have no sparse kernel.
    @discardableResult
    public func selectKernels(_ choice: KernelChoice) -> [LayerKernel] {
        func sparse(_ weight: Parameter, rule: (Int, Int) -> Bool) -> Bool {
            switch choice {
            case .dense: false
            case .sparse: true
            case .auto: rule(weight.remaining, weight.count)
            }
        }
        for layer in layers {
            if let layer = layer as? DenseLayer, !layer.isSparse, sparse(layer.weight, rule: KernelRule.fullyConnected) {
                layer.compress()
            }
            if let layer = layer as? ConvolutionLayer, !layer.isSparse,
               sparse(layer.weight, rule: { KernelRule.convolution(kept: $0, total: $1, geometry: layer.geometry) }) {
                layer.compress()
            }
        }
        var start = 0
        while start < layers.count {
            var end = start
            while end < layers.count, layers[end] is DenseLayer { end += 1 }
            let run = layers[start..<end].compactMap { $0 as? DenseLayer }
            let layout: ActivationLayout = run.contains(where: \.isSparse) ? .features : .examples
            for layer in run { layer.layout = layout }
            start = max(end, start + 1)
        }
        staging = [:]
        for index in layers.indices.dropFirst() where layers[index].layout != layers[index - 1].layout {
            let count = ActivationLayout.capacity(rows: capacity, features: layers[index].inputFeatures)
            staging[index] = (FloatBuffer(count: count), FloatBuffer(count: count))
        }
        return kernels
    }

    /// Examples evaluated at once. Sparse kernels read the input a block of 64
    /// lanes at a time: a slice of 64 keeps those blocks contiguous and in cache
    /// (at 1,000 lanes a block's rows are 4 KB apart, a page each), so a network
    /// that begins with sparse layers evaluates 64 at a time; dense products
    /// prefer the whole capacity.
    var evaluationSlice: Int {
        inputLayout == .features ? min(capacity, SparseKernels.block) : capacity
    }

    /// How each prunable layer computes now.
    public var kernels: [LayerKernel] {
        layers.flatMap { layer in
            layer.parameters.filter(\.isPrunable).map { weight in
                LayerKernel(name: weight.layerName, isSparse: weight.isCompressed, kept: weight.remaining,
                            total: weight.count)
            }
        }
    }
}

/// When `auto` trains a layer sparse, from its kept and total weights. Measured
/// with `lottery bench sparse` on this machine kind; docs/TRAINER.md states the rule.
enum KernelRule {
    static func fullyConnected(kept: Int, total: Int) -> Bool {
        Double(kept) <= 0.27 * Double(total)
    }

    /// Measured one convolution at a time (`lottery bench sparse`'s last table, two
    /// runs): the thin first layer (im2col) crosses over near 47%, 64 channels on
    /// 28×28 or 32×32 planes near 31%, 16×16 planes near 21%, 8×8 ones between 21%
    /// and 10%.
    static func convolution(kept: Int, total: Int, geometry: ConvolutionGeometry) -> Bool {
        let crossover = geometry.inputChannels < 16 ? 0.45
            : geometry.plane >= 28 * 28 ? 0.3
            : geometry.plane >= 16 * 16 ? 0.2
            : 0.15
        return Double(kept) <= crossover * Double(total)
    }
}
