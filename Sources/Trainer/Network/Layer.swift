/// A layer of a network as the training loop drives it. Activations are row-major
/// `rows × features` matrices in buffers the network owns; an example with
/// channels is laid out channel after channel, each a row-major `height × width`
/// plane (NCHW), so a fully connected layer after a convolution sees the same
/// flattening as PyTorch's.
protocol Layer: AnyObject {
    var inputFeatures: Int { get }
    var outputFeatures: Int { get }
    var parameters: [Parameter] { get }
    /// Tensors training changes that are not parameters (batch normalization's
    /// running statistics); none for most layers.
    var state: [StateTensor] { get }
    /// The layout the layer reads its input and writes its output in (its
    /// gradients too); the network converts between layers that differ.
    var layout: ActivationLayout { get }
    /// The convolutions' kernels, told when the weights are frozen (`Network.withFrozenWeights`).
    var convolutionKernels: [any ConvolutionKernel] { get }

    /// Writes the layer's output for `rows` examples. `training` is false for
    /// evaluations (dropout lets everything through then).
    func forward(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, rows: Int, training: Bool)

    /// Given ∂L/∂output (which it may overwrite), accumulates nothing: it *sets*
    /// its parameters' gradients, and writes ∂L/∂input when `inputGradient` is given.
    /// Called only after a training `forward` of the same rows.
    func backward(input: UnsafePointer<Float>, output: UnsafePointer<Float>,
                  outputGradient: UnsafeMutablePointer<Float>,
                  inputGradient: UnsafeMutablePointer<Float>?, rows: Int)
}

extension Layer {
    var state: [StateTensor] { [] }
    var layout: ActivationLayout { .examples }
    var convolutionKernels: [any ConvolutionKernel] { [] }
}

/// The shape of one example's activations: `channels` planes of `height × width`.
/// A fully connected layer's output is `features × 1 × 1`.
package struct ActivationShape: Hashable, CustomStringConvertible {
    var channels: Int
    var height: Int
    var width: Int

    package init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    package var features: Int { channels * height * width }
    package var description: String { "\(channels)×\(height)×\(width)" }
}
