import LotteryCore

/// He et al.'s basic residual block, as one layer that owns its inner
/// activations (the network stays a plain sequence of layers):
///
///     h = ReLU(BN(conv3x3_s(x)))     y = ReLU(BN(conv3x3(h)) + shortcut(x))
///
/// The shortcut is x itself, or BN(conv1x1_s(x)) (a projection) when the stride
/// or the number of channels changes, as in open_lth's CIFAR ResNet. The block's
/// convolutions are named by the network's count (`conv8`, `conv9`) and the
/// projection after the first of them (`conv8.shortcut`): all three are prunable
/// conv weights.
final class ResidualBlockLayer: Layer {
    let input: ActivationShape
    let output: ActivationShape
    let first: NormalizedConvolution
    let second: NormalizedConvolution
    let projection: NormalizedConvolution?
    /// h, and ∂L/∂h in the backward pass.
    private let hidden: FloatBuffer
    private let hiddenGradient: FloatBuffer
    /// The projection's ∂L/∂x, added to the first convolution's.
    private let shortcutGradient: FloatBuffer?

    /// `firstIndex` numbers the block's first convolution (`conv\(firstIndex)`).
    init(firstIndex: Int, input: ActivationShape, channels: Int, stride: Int, capacity: Int,
         algorithm: ConvolutionAlgorithm = .automatic) {
        self.input = input
        let firstGeometry = ConvolutionGeometry(input: input, outputChannels: channels, stride: stride)
        output = firstGeometry.output
        first = NormalizedConvolution(name: "conv\(firstIndex)", geometry: firstGeometry, capacity: capacity,
                                      algorithm: algorithm)
        second = NormalizedConvolution(name: "conv\(firstIndex + 1)",
                                       geometry: ConvolutionGeometry(input: output, outputChannels: channels),
                                       capacity: capacity, algorithm: algorithm)
        if ModelSpec.residualBlockHasProjection(inputChannels: input.channels, channels: channels, stride: stride) {
            projection = NormalizedConvolution(
                name: "conv\(firstIndex).shortcut",
                geometry: ConvolutionGeometry(input: input, outputChannels: channels, kernelSize: 1, stride: stride),
                capacity: capacity, algorithm: algorithm)
            shortcutGradient = FloatBuffer(count: capacity * input.features)
        } else {
            projection = nil
            shortcutGradient = nil
        }
        hidden = FloatBuffer(count: capacity * output.features)
        hiddenGradient = FloatBuffer(count: capacity * output.features)
    }

    /// Floats per example the block keeps besides its input and output (and their
    /// gradients): for the network's memory budget.
    static func innerFeatures(input: ActivationShape, channels: Int, stride: Int) -> Int {
        let output = ConvolutionGeometry(input: input, outputChannels: channels, stride: stride).output.features
        // z and h of the first convolution, ∂h, z of the second …
        let plain = 4 * output
        // … and the projection's z and its ∂x.
        return ModelSpec.residualBlockHasProjection(inputChannels: input.channels, channels: channels, stride: stride)
            ? plain + output + input.features : plain
    }

    var inputFeatures: Int { input.features }
    var outputFeatures: Int { output.features }
    var parameters: [Parameter] { first.parameters + second.parameters + (projection?.parameters ?? []) }
    var state: [StateTensor] { first.state + second.state + (projection?.state ?? []) }
    var convolutionKernels: [any ConvolutionKernel] { [first.kernel, second.kernel] + (projection.map { [$0.kernel] } ?? []) }

    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        first.convolve(x, rows: rows, training: training)
        first.normalize(into: hidden.pointer, rows: rows, relu: true)
        second.convolve(hidden.pointer, rows: rows, training: training)
        if let projection {
            projection.convolve(x, rows: rows, training: training)
            projection.normalize(into: y, rows: rows, relu: false)
            second.normalize(into: y, rows: rows, relu: true, adding: y)
        } else {
            second.normalize(into: y, rows: rows, relu: true, adding: x)
        }
    }

    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                  outputGradient dy: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, rows: Int) {
        // Through the final ReLU (in place, so both branches see the gated ∂y),
        // then the main branch back to h.
        second.backward(input: hidden.pointer, outputGradient: dy, reluOutput: y,
                        inputGradient: hiddenGradient.pointer, rows: rows)
        if let projection {
            projection.backward(input: x, outputGradient: dy, reluOutput: nil,
                                inputGradient: dx == nil ? nil : shortcutGradient?.pointer, rows: rows)
        }
        first.backward(input: x, outputGradient: hiddenGradient.pointer, reluOutput: hidden.pointer,
                       inputGradient: dx, rows: rows)
        guard let dx else { return }
        // ∂x gets the shortcut's gradient too: ∂y itself through the identity.
        let shortcut: UnsafePointer<Float> = shortcutGradient.map { UnsafePointer($0.pointer) } ?? UnsafePointer(dy)
        let features = input.features
        Lanes.split(rows) { share in
            for i in (share.lowerBound * features)..<(share.upperBound * features) { dx[i] += shortcut[i] }
        }
    }
}
