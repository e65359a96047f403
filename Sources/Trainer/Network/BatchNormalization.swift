/// Batch normalization (Ioffe & Szegedy 2015) of a convolution's output, per
/// channel: y = γ·(z − μ)/√(σ² + ε) + β, with γ (`scale`) starting at 1 and β
/// (`shift`) at 0, both trained and never pruned.
///
/// In training, μ and σ² are the batch's, over every example and pixel of the
/// channel (σ² the biased estimate, as PyTorch normalizes with), and the running
/// statistics move towards them: r ← (1 − m)·r + m·batch with m = 0.1, the
/// variance's batch value unbiased (×N/(N − 1)), as PyTorch's `BatchNorm2d` does.
/// In evaluation the running statistics stand in for the batch's. ε = 1e-5.
///
/// Per channel both directions are affine maps, so the work is a few passes over
/// the activations: forward, the sum, the squared deviations and one pass
/// y = a·z + b (with a residual added and ReLU when asked); backward, one pass for
/// Σ∂y and Σ∂y·(z − μ) that also applies the ReLU's gate, and one pass
/// ∂z = A·∂y + B·z + C.
final class BatchNormalization {
    let channels: Int
    /// Pixels of one channel of one example.
    let plane: Int
    /// γ.
    let scale: Parameter
    /// β.
    let shift: Parameter
    let runningMean: StateTensor
    let runningVariance: StateTensor
    /// Per channel, the map the last forward applied: y = coefficient·z + offset.
    private let coefficients: FloatBuffer
    private let offsets: FloatBuffer
    /// μ and 1/√(σ² + ε) of the last training batch, for the backward pass.
    private let batchMean: FloatBuffer
    private let inverseDeviation: FloatBuffer

    static let momentum = 0.1
    static let epsilon = 1e-5

    /// `name` is the normalization's own (`conv3.bn`); its tensors are
    /// `conv3.bn.gamma`, `.beta`, `.running_mean` and `.running_var`.
    init(name: String, channels: Int, plane: Int) {
        self.channels = channels
        self.plane = plane
        scale = Parameter(name: name + ".gamma", layerName: name, role: .scale, kind: nil, count: channels)
        shift = Parameter(name: name + ".beta", layerName: name, role: .bias, kind: nil, count: channels)
        runningMean = StateTensor(name: name + ".running_mean", count: channels, initialValue: 0)
        runningVariance = StateTensor(name: name + ".running_var", count: channels, initialValue: 1)
        coefficients = FloatBuffer(count: channels)
        offsets = FloatBuffer(count: channels)
        batchMean = FloatBuffer(count: channels)
        inverseDeviation = FloatBuffer(count: channels, value: 1)
    }

    var parameters: [Parameter] { [scale, shift] }
    var state: [StateTensor] { [runningMean, runningVariance] }

    /// Sets the map the next `apply` uses for these `rows` examples of `z`: from
    /// the batch's statistics in training (which also moves the running ones),
    /// from the running statistics otherwise.
    func prepare(_ z: UnsafePointer<Float>, rows: Int, training: Bool) {
        let gamma = scale.value.pointer, beta = shift.value.pointer
        let mean = runningMean.value.pointer, variance = runningVariance.value.pointer
        guard training, rows > 0 else {
            for c in 0..<channels {
                let coefficient = Double(gamma[c]) / (Double(variance[c]) + Self.epsilon).squareRoot()
                coefficients[c] = Float(coefficient)
                offsets[c] = Float(Double(beta[c]) - Double(mean[c]) * coefficient)
            }
            return
        }
        let count = Double(rows * plane)
        let m = Self.momentum
        let coefficients = coefficients.pointer, offsets = offsets.pointer
        let batchMeans = batchMean.pointer, inverseDeviations = inverseDeviation.pointer
        // Each channel's statistics are its own: the lanes take channels.
        Lanes.split(channels) { share in
            for c in share {
                var sum = 0.0
                for row in 0..<rows { sum += Double(Self.sum(z + (row * channels + c) * plane, count: plane)) }
                let batchMean = sum / count
                var squares = 0.0
                for row in 0..<rows {
                    squares += Double(Self.squaredDeviations(z + (row * channels + c) * plane, count: plane,
                                                             from: Float(batchMean)))
                }
                let batchVariance = squares / count
                let inverse = 1 / (batchVariance + Self.epsilon).squareRoot()
                batchMeans[c] = Float(batchMean)
                inverseDeviations[c] = Float(inverse)
                let coefficient = Double(gamma[c]) * inverse
                coefficients[c] = Float(coefficient)
                offsets[c] = Float(Double(beta[c]) - batchMean * coefficient)
                let unbiased = count > 1 ? batchVariance * count / (count - 1) : batchVariance
                mean[c] = Float((1 - m) * Double(mean[c]) + m * batchMean)
                variance[c] = Float((1 - m) * Double(variance[c]) + m * unbiased)
            }
        }
    }

    /// y = a·z + b per channel (the map `prepare` set), plus `residual` when given,
    /// then ReLU when asked. `residual` may be `y` itself.
    func apply(_ z: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, relu: Bool,
               adding residual: UnsafePointer<Float>? = nil) {
        Lanes.split(rows) { share in
            for row in share {
                for c in 0..<channels {
                    let offset = (row * channels + c) * plane
                    Self.affine(z + offset, into: y + offset, adding: residual.map { $0 + offset }, count: plane,
                                coefficient: coefficients[c], offset: offsets[c], relu: relu)
                }
            }
        }
    }

    /// Sets γ's and β's gradients from ∂L/∂y in `dy` and writes ∂L/∂z into `dz`
    /// (which may be `z` itself). When `reluOutput` is given, y went through a ReLU
    /// and `dy` is first zeroed in place where that output is not positive. Only
    /// after a training forward of the same rows.
    func backward(input z: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>,
                  reluOutput y: UnsafePointer<Float>?, inputGradient dz: UnsafeMutablePointer<Float>, rows: Int) {
        let gamma = scale.value.pointer
        let dGamma = scale.gradient.pointer, dBeta = shift.gradient.pointer
        let count = Double(rows * plane)
        let batchMean = batchMean.pointer, inverseDeviation = inverseDeviation.pointer
        // Each channel's sums and ∂z are its own: the lanes take channels.
        Lanes.split(channels) { share in
            for c in share {
                let mean = batchMean[c]
                let inverse = Double(inverseDeviation[c])
                var sum = 0.0, dot = 0.0
                for row in 0..<rows {
                    let offset = (row * channels + c) * plane
                    let sums = Self.gateAndSum(dy + offset, by: y.map { $0 + offset }, input: z + offset, mean: mean,
                                               count: plane)
                    sum += Double(sums.gradient)
                    dot += Double(sums.product)
                }
                // With x̂ = (z − μ)/σ: ∂β = Σ∂y, ∂γ = Σ∂y·x̂, and
                // ∂z = γ/σ · (∂y − ∂β/N − x̂·∂γ/N) = A·∂y + B·z + C.
                dBeta[c] = Float(sum)
                let dGammaValue = dot * inverse
                dGamma[c] = Float(dGammaValue)
                guard count > 0 else { continue }
                let a = Double(gamma[c]) * inverse
                let b = -a * inverse * dGammaValue / count
                let constant = -a * sum / count - b * Double(mean)
                for row in 0..<rows {
                    let offset = (row * channels + c) * plane
                    Self.combine(dy + offset, z + offset, into: dz + offset, count: plane,
                                 a: Float(a), b: Float(b), c: Float(constant))
                }
            }
        }
        if rows == 0 {
            dGamma.update(repeating: 0, count: channels)
            dBeta.update(repeating: 0, count: channels)
        }
    }
}

// MARK: Passes over one plane, eight lanes at a time

private typealias Lane = SIMD8<Float>

@inline(__always)
private func load(_ pointer: UnsafePointer<Float>, _ index: Int) -> Lane {
    UnsafeRawPointer(pointer + index).loadUnaligned(as: Lane.self)
}

@inline(__always)
private func store(_ value: Lane, _ pointer: UnsafeMutablePointer<Float>, _ index: Int) {
    UnsafeMutableRawPointer(pointer + index).storeBytes(of: value, as: Lane.self)
}

extension BatchNormalization {
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var sums = Lane()
        var i = 0
        while i + 8 <= count {
            sums += load(values, i)
            i += 8
        }
        var sum = sums.sum()
        while i < count {
            sum += values[i]
            i += 1
        }
        return sum
    }

    static func squaredDeviations(_ values: UnsafePointer<Float>, count: Int, from mean: Float) -> Float {
        var sums = Lane()
        var i = 0
        while i + 8 <= count {
            let d = load(values, i) - mean
            sums += d * d
            i += 8
        }
        var sum = sums.sum()
        while i < count {
            let d = values[i] - mean
            sum += d * d
            i += 1
        }
        return sum
    }

    static func affine(_ z: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                       adding residual: UnsafePointer<Float>?, count: Int,
                       coefficient: Float, offset: Float, relu: Bool) {
        // The stdlib's `pointwiseMax` on SIMD vectors is a generic call per vector
        // here (it took 19% of a ResNet step); a masked replace vectorizes.
        var i = 0
        switch (residual, relu) {
        case (let residual?, true):
            while i + 8 <= count {
                let v = load(z, i) * coefficient + offset + load(residual, i)
                store(v.replacing(with: 0, where: v .< 0), y, i)
                i += 8
            }
            while i < count {
                y[i] = max(z[i] * coefficient + offset + residual[i], 0)
                i += 1
            }
        case (let residual?, false):
            while i + 8 <= count {
                store(load(z, i) * coefficient + offset + load(residual, i), y, i)
                i += 8
            }
            while i < count {
                y[i] = z[i] * coefficient + offset + residual[i]
                i += 1
            }
        case (nil, true):
            while i + 8 <= count {
                let v = load(z, i) * coefficient + offset
                store(v.replacing(with: 0, where: v .< 0), y, i)
                i += 8
            }
            while i < count {
                y[i] = max(z[i] * coefficient + offset, 0)
                i += 1
            }
        case (nil, false):
            while i + 8 <= count {
                store(load(z, i) * coefficient + offset, y, i)
                i += 8
            }
            while i < count {
                y[i] = z[i] * coefficient + offset
                i += 1
            }
        }
    }

    /// Zeroes `gradient` where `output` is not positive (when given), and returns
    /// Σ gradient and Σ gradient·(input − mean) of what is left.
    static func gateAndSum(_ gradient: UnsafeMutablePointer<Float>, by output: UnsafePointer<Float>?,
                           input: UnsafePointer<Float>, mean: Float, count: Int) -> (gradient: Float, product: Float) {
        var sums = Lane(), products = Lane()
        var i = 0
        if let output {
            while i + 8 <= count {
                let g = load(gradient, i).replacing(with: 0, where: load(output, i) .<= 0)
                store(g, gradient, i)
                sums += g
                products += g * (load(input, i) - mean)
                i += 8
            }
        } else {
            while i + 8 <= count {
                let g = load(gradient, i)
                sums += g
                products += g * (load(input, i) - mean)
                i += 8
            }
        }
        var sum = sums.sum(), product = products.sum()
        while i < count {
            if let output, output[i] <= 0 { gradient[i] = 0 }
            sum += gradient[i]
            product += gradient[i] * (input[i] - mean)
            i += 1
        }
        return (sum, product)
    }

    /// out = a·g + b·z + c; `out` may be `z`.
    static func combine(_ g: UnsafePointer<Float>, _ z: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                        count: Int, a: Float, b: Float, c: Float) {
        var i = 0
        while i + 8 <= count {
            store(a * load(g, i) + b * load(z, i) + c, out, i)
            i += 8
        }
        while i < count {
            out[i] = a * g[i] + b * z[i] + c
            i += 1
        }
    }
}
