/// A layer of a network as the training loop drives it. Activations are row-major
/// `rows × features` matrices in buffers the network owns.
protocol Layer: AnyObject {
    var inputFeatures: Int { get }
    var outputFeatures: Int { get }
    var parameters: [Parameter] { get }

    /// Writes the layer's output for `rows` examples.
    func forward(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, rows: Int)

    /// Given ∂L/∂output (which it may overwrite), accumulates nothing: it *sets*
    /// its parameters' gradients, and writes ∂L/∂input when `inputGradient` is given.
    func backward(input: UnsafePointer<Float>, output: UnsafePointer<Float>,
                  outputGradient: UnsafeMutablePointer<Float>,
                  inputGradient: UnsafeMutablePointer<Float>?, rows: Int)
}
