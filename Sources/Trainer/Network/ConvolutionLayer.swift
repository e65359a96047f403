import LotteryCore

/// A 3×3 convolution with stride 1 and one pixel of zero padding (the output has
/// the input's height and width), a bias per output channel, then ReLU.
///
/// The weight is `outputs × inputs × 3 × 3`, row-major (PyTorch's layout), so one
/// output channel's kernels are one row of a `outputs × 9·inputs` matrix. The
/// arithmetic is left to a `ConvolutionKernel`; this layer adds the bias and the
/// activation and takes them back out in the backward pass.
final class ConvolutionLayer: Layer {
    let input: ActivationShape
    let output: ActivationShape
    let weight: Parameter
    let bias: Parameter
    let geometry: ConvolutionGeometry
    /// Dense (Winograd or im2col) until `compress()`, then `SparseConvolution`.
    private(set) var kernel: any ConvolutionKernel

    init(name: String, input: ActivationShape, outputChannels: Int, capacity: Int,
         algorithm: ConvolutionAlgorithm = .automatic) {
        self.input = input
        output = ActivationShape(channels: outputChannels, height: input.height, width: input.width)
        // Glorot's fans for a convolution count every input and output a weight touches.
        let fanIn = input.channels * 9
        let fanOut = outputChannels * 9
        weight = Parameter(layerName: name, isWeight: true, kind: .conv, count: outputChannels * fanIn,
                           fanIn: fanIn, fanOut: fanOut)
        bias = Parameter(layerName: name, isWeight: false, kind: .conv, count: outputChannels,
                         fanIn: fanIn, fanOut: fanOut)
        geometry = ConvolutionGeometry(input: input, outputChannels: outputChannels)
        kernel = algorithm.resolved(for: geometry).makeKernel(geometry: geometry, capacity: capacity)
    }

    var inputFeatures: Int { input.features }
    var outputFeatures: Int { output.features }
    var parameters: [Parameter] { [weight, bias] }
    var isSparse: Bool { weight.isCompressed }
    var convolutionKernels: [any ConvolutionKernel] { [kernel] }

    /// Trains from now on with the kept weights only. The activations keep their layout.
    func compress() {
        guard let mask = weight.mask else { return }
        let sparse = SparseConvolution(geometry: geometry, keep: mask.pointer)
        weight.compress(sparse.pattern)
        kernel = sparse
    }

    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        kernel.forward(x, weight: weight.value.pointer, into: y, rows: rows, training: training)
        let plane = output.height * output.width
        let b = bias.value.pointer
        Lanes.split(rows) { share in
            for row in share {
                for channel in 0..<output.channels {
                    let values = y + (row * output.channels + channel) * plane
                    let shift = b[channel]
                    for i in 0..<plane { values[i] = max(values[i] + shift, 0) }
                }
            }
        }
    }

    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                  outputGradient dy: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, rows: Int) {
        let plane = output.height * output.width
        let db = bias.gradient.pointer
        db.update(repeating: 0, count: output.channels)
        // Through the ReLU, and the bias gradient as per-channel sums, in one pass;
        // each channel's sum is its own, so the lanes take channels.
        Lanes.split(output.channels) { share in
            for channel in share {
                for row in 0..<rows {
                    let offset = (row * output.channels + channel) * plane
                    db[channel] += Self.gateAndSum(dy + offset, by: y + offset, count: plane)
                }
            }
        }
        kernel.backward(input: x, weight: weight.value.pointer, outputGradient: dy,
                        weightGradient: weight.gradient.pointer, inputGradient: dx, rows: rows)
    }
}

extension ConvolutionLayer {
    /// Zeroes `gradient` where `output` is not positive (ReLU's backward pass) and
    /// returns the sum of what is left. Eight lanes of partial sums let the loop
    /// vectorize; a single running float sum would pin it to one lane.
    static func gateAndSum(_ gradient: UnsafeMutablePointer<Float>, by output: UnsafePointer<Float>, count: Int) -> Float {
        var sums = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let g = UnsafeRawPointer(gradient + i).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(output + i).loadUnaligned(as: SIMD8<Float>.self)
            let kept = g.replacing(with: 0, where: y .<= 0)
            UnsafeMutableRawPointer(gradient + i).storeBytes(of: kept, as: SIMD8<Float>.self)
            sums += kept
            i += 8
        }
        var sum = sums.sum()
        while i < count {
            if output[i] <= 0 { gradient[i] = 0 }
            sum += gradient[i]
            i += 1
        }
        return sum
    }
}

/// The sizes a convolution kernel works with: a 3×3 kernel with one pixel of
/// zero padding, or a 1×1 kernel without, at stride 1 or 2.
package struct ConvolutionGeometry: Hashable {
    package var input: ActivationShape
    var outputChannels: Int
    /// 3 or 1.
    var kernelSize: Int = 3
    var stride: Int = 1

    package init(input: ActivationShape, outputChannels: Int, kernelSize: Int = 3, stride: Int = 1) {
        self.input = input
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
    }

    var inputChannels: Int { input.channels }
    var height: Int { input.height }
    var width: Int { input.width }
    /// The input's plane; also the output's at stride 1.
    var plane: Int { height * width }
    var padding: Int { (kernelSize - 1) / 2 }
    /// Kernel taps per input channel: 9 or 1.
    var taps: Int { kernelSize * kernelSize }
    package var output: ActivationShape {
        ActivationShape(channels: outputChannels, height: ModelSpec.strided(height, stride),
                        width: ModelSpec.strided(width, stride))
    }
    var outputPlane: Int { output.height * output.width }
    /// True for the 3×3 stride-1 "same" convolution the fast paths are written for.
    var isSame3x3: Bool { kernelSize == 3 && stride == 1 }
    /// Multiply-adds of one example's forward pass.
    var multiplyAdds: Int { outputChannels * inputChannels * taps * outputPlane }
}

/// How a convolution layer computes its products.
public enum ConvolutionAlgorithm: String, CaseIterable, Sendable {
    /// Winograd where it pays, im2col elsewhere.
    case automatic
    /// Lowering to one matrix product per example: `W[out × 9·in] · cols[9·in × h·w]`.
    case im2col
    /// Winograd F(4×4, 3×3) (36 batched products over transformed 6×6 tiles, 4× fewer
    /// multiplications than im2col), or F(2×2, 3×3) on planes under 8 wide.
    case winograd

    package func resolved(for geometry: ConvolutionGeometry) -> ConvolutionAlgorithm {
        // Winograd F(m×m, 3×3) is a stride-1 3×3 algorithm.
        guard geometry.isSame3x3 else { return .im2col }
        guard self == .automatic else { return self }
        // With few input channels the products are too thin for the transforms
        // to pay for themselves (the first layer of every conv net).
        return geometry.inputChannels >= 16 ? .winograd : .im2col
    }

    package func makeKernel(geometry: ConvolutionGeometry, capacity: Int) -> any ConvolutionKernel {
        if self == .winograd {
            precondition(geometry.isSame3x3, "Winograd F(m×m, 3×3) computes stride-1 3×3 convolutions only")
            return WinogradConvolution(geometry: geometry)
        }
        return Im2colConvolution(geometry: geometry)
    }
}

/// The linear part of a convolution: no bias, no activation.
package protocol ConvolutionKernel: AnyObject {
    /// y = conv(x, W) for `rows` examples. A training forward may keep what the
    /// backward pass of the same rows will need.
    func forward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                 rows: Int, training: Bool)
    /// Sets ∂W from ∂y (overwriting it), and writes ∂x when asked.
    func backward(input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                  weightGradient dW: UnsafeMutablePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>?,
                  rows: Int)
    /// True while nothing changes the weights (the slices of one evaluation): what a
    /// kernel derives from them may be computed once and kept until it turns false.
    func weightsFrozen(_ frozen: Bool)
}

extension ConvolutionKernel {
    package func weightsFrozen(_ frozen: Bool) {}
}
