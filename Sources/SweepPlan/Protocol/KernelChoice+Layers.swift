extension KernelChoice {
    /// Why `sparse` cannot train the model `model`, whose prunable tensors are `shapes`, or
    /// nil when it can. Sparse kernels exist for fully connected layers (the output layer
    /// included) only; a convolution always trains dense, so `sparse` would be a promise
    /// the trainer cannot keep. Sweep files and `lottery train` both refuse with this text.
    public static func sparseRefusal(model: String, shapes: [WeightShape]) -> String? {
        let convolutions = shapes.filter { $0.kind == .conv }.map(\.name)
        guard let last = convolutions.last else { return nil }
        // ResNet-18 has 21 of them: name the first two and the last.
        let named = convolutions.count <= 4
            ? convolutions.joined(separator: ", ")
            : "\(convolutions[0]), \(convolutions[1]), …, \(last); \(convolutions.count) in all"
        return "sparse needs a sparse kernel for every prunable layer, but \(model) has convolution layers "
            + "(\(named)), which train dense only"
    }

    /// What to ask for instead of `sparse` on a model with convolutions.
    public static let sparseAlternative =
        "use auto, which picks sparse kernels for the fully connected layers where they are faster, or dense"
}
