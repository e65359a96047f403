import LotteryCore

/// A convolution without bias followed by batch normalization: the unit
/// `ConvBNLayer` and `ResidualBlockLayer` are made of. It keeps the convolution's
/// output z of the last forward (the normalization's backward pass needs it), and
/// in the backward pass overwrites it with ∂z, which is all the convolution's own
/// backward pass needs besides the input.
final class NormalizedConvolution {
    let geometry: ConvolutionGeometry
    /// `outputs × inputs × k × k`, prunable, of kind `conv`.
    let weight: Parameter
    let normalization: BatchNormalization
    let kernel: any ConvolutionKernel
    /// z, `capacity × output features`; ∂z during the backward pass.
    let convolved: FloatBuffer

    /// `name` is the convolution's (`conv3`); its weight is `conv3.weight` and its
    /// normalization `conv3.bn`.
    init(name: String, geometry: ConvolutionGeometry, capacity: Int, algorithm: ConvolutionAlgorithm) {
        self.geometry = geometry
        let fanIn = geometry.inputChannels * geometry.taps
        let fanOut = geometry.outputChannels * geometry.taps
        weight = Parameter(layerName: name, isWeight: true, kind: .conv, count: geometry.outputChannels * fanIn,
                           fanIn: fanIn, fanOut: fanOut)
        normalization = BatchNormalization(name: name + ".bn", channels: geometry.outputChannels,
                                           plane: geometry.outputPlane)
        kernel = algorithm.resolved(for: geometry).makeKernel(geometry: geometry, capacity: capacity)
        convolved = FloatBuffer(count: capacity * geometry.output.features)
    }

    var parameters: [Parameter] { [weight] + normalization.parameters }
    var state: [StateTensor] { normalization.state }

    /// z = conv(x), and the normalization's map for it.
    func convolve(_ x: UnsafePointer<Float>, rows: Int, training: Bool) {
        kernel.forward(x, weight: weight.value.pointer, into: convolved.pointer, rows: rows, training: training)
        normalization.prepare(convolved.pointer, rows: rows, training: training)
    }

    /// y = BN(z) (+ residual) (then ReLU), after `convolve`.
    func normalize(into y: UnsafeMutablePointer<Float>, rows: Int, relu: Bool,
                   adding residual: UnsafePointer<Float>? = nil) {
        normalization.apply(convolved.pointer, into: y, rows: rows, relu: relu, adding: residual)
    }

    /// From ∂L/∂y (gated in place by `reluOutput` when given): the gradients of the
    /// weight, γ and β, and ∂L/∂x when asked.
    func backward(input x: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>,
                  reluOutput y: UnsafePointer<Float>?, inputGradient dx: UnsafeMutablePointer<Float>?, rows: Int) {
        normalization.backward(input: convolved.pointer, outputGradient: dy, reluOutput: y,
                               inputGradient: convolved.pointer, rows: rows)
        kernel.backward(input: x, weight: weight.value.pointer, outputGradient: convolved.pointer,
                        weightGradient: weight.gradient.pointer, inputGradient: dx, rows: rows)
    }
}

/// A 3×3 convolution (stride 1 or 2, one pixel of padding, no bias), batch
/// normalization, then ReLU: VGG's layers and ResNet's stem.
final class ConvBNLayer: Layer {
    let unit: NormalizedConvolution

    init(name: String, input: ActivationShape, outputChannels: Int, stride: Int, capacity: Int,
         algorithm: ConvolutionAlgorithm = .automatic) {
        unit = NormalizedConvolution(
            name: name, geometry: ConvolutionGeometry(input: input, outputChannels: outputChannels, stride: stride),
            capacity: capacity, algorithm: algorithm)
    }

    var inputFeatures: Int { unit.geometry.input.features }
    var outputFeatures: Int { unit.geometry.output.features }
    var parameters: [Parameter] { unit.parameters }
    var convolutionKernels: [any ConvolutionKernel] { [unit.kernel] }
    var state: [StateTensor] { unit.state }

    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        unit.convolve(x, rows: rows, training: training)
        unit.normalize(into: y, rows: rows, relu: true)
    }

    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                  outputGradient dy: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, rows: Int) {
        unit.backward(input: x, outputGradient: dy, reluOutput: y, inputGradient: dx, rows: rows)
    }
}
