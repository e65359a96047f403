extension KernelChoice {
    /// Why `sparse` cannot train `model`, whose prunable tensors are `shapes`, or nil
    /// when it can. Sparse kernels exist for fully connected layers (the output layer
    /// included) and plain 3×3 convolutions; a convolution with batch normalization
    /// (and a residual block's shortcut) always trains dense, so `sparse` would be a
    /// promise the trainer cannot keep. Sweep files and `lottery train` both refuse
    /// with this text.
    public static func sparseRefusal(model: ModelSpec, shapes: [WeightShape]) -> String? {
        // Convolutions are numbered in order, whatever their kind.
        var index = 0
        var plain: Set<String> = []
        for layer in model.layers {
            switch layer {
            case .conv3x3: index += 1; plain.insert("conv\(index)")
            case .convBN: index += 1
            case .residualBlock: index += 2
            default: break
            }
        }
        let dense = shapes.filter { $0.kind == .conv && !plain.contains($0.name) }.map(\.name)
        guard let last = dense.last else { return nil }
        // ResNet-18 has 21 of them: name the first two and the last.
        let named = dense.count <= 4
            ? dense.joined(separator: ", ")
            : "\(dense[0]), \(dense[1]), …, \(last); \(dense.count) in all"
        return "sparse needs a sparse kernel for every prunable layer, but \(model.name) has convolutions with "
            + "batch normalization (\(named)), which train dense only"
    }

    /// What to ask for instead of `sparse` on a model with such convolutions.
    public static let sparseAlternative =
        "use auto, which picks sparse kernels for the layers where they are faster, or dense"
}
