import LotteryCore

/// y = x·W + b, then ReLU unless it is the output layer. W is `in × out`, row-major.
///
/// It computes in one of three ways, which give the same results up to float
/// summation order:
/// - dense, on `.examples` activations: the forward product is one `sgemm` with
///   no transposes (every layer starts so);
/// - dense, on `.features` activations (next to a sparse layer): the same
///   products transposed, `yᵀ = Wᵀ·xᵀ`;
/// - sparse (`compress()`): W stores only its kept weights and `SparseKernels`
///   computes from them, on `.features` activations.
final class DenseLayer: Layer {
    let inputFeatures: Int
    let outputFeatures: Int
    let weight: Parameter
    let bias: Parameter
    let relu: Bool
    /// Set by the network: `.features` when this layer or a neighbour in its run
    /// of dense layers is sparse.
    var layout: ActivationLayout = .examples

    init(name: String, kind: LayerKind, inputs: Int, outputs: Int, relu: Bool) {
        inputFeatures = inputs
        outputFeatures = outputs
        self.relu = relu
        weight = Parameter(layerName: name, isWeight: true, kind: kind, count: inputs * outputs,
                           fanIn: inputs, fanOut: outputs)
        bias = Parameter(layerName: name, isWeight: false, kind: kind, count: outputs,
                         fanIn: inputs, fanOut: outputs)
    }

    var parameters: [Parameter] { [weight, bias] }
    var isSparse: Bool { weight.isCompressed }

    /// Trains from now on with the kept weights only.
    func compress() {
        guard let mask = weight.mask else { return }
        weight.compress(SparsePattern(keep: mask.pointer, inputs: inputFeatures, outputs: outputFeatures))
        layout = .features
    }

    func forward(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        let n = outputFeatures
        let b = bias.value.pointer
        switch layout {
        case .examples:
            BLAS.gemm(m: rows, n: n, k: inputFeatures, a: input, lda: inputFeatures,
                      b: weight.value.pointer, ldb: n, c: output, ldc: n)
            // Bias and activation in one pass over the output.
            for row in 0..<rows {
                let y = output + row * n
                if relu {
                    for j in 0..<n { y[j] = max(y[j] + b[j], 0) }
                } else {
                    for j in 0..<n { y[j] += b[j] }
                }
            }
        case .features:
            let lanes = ActivationLayout.lanes(rows: rows)
            if let pattern = weight.pattern {
                SparseKernels.forward(pattern: pattern, values: weight.value.pointer, bias: b, relu: relu,
                                      x: input, y: output, lanes: lanes)
                return
            }
            BLAS.gemm(transposeA: true, m: n, n: lanes, k: inputFeatures, a: weight.value.pointer, lda: n,
                      b: input, ldb: lanes, c: output, ldc: lanes)
            for j in 0..<n {
                let y = output + j * lanes
                let shift = b[j]
                if relu {
                    for r in 0..<lanes { y[r] = max(y[r] + shift, 0) }
                } else {
                    for r in 0..<lanes { y[r] += shift }
                }
            }
        }
    }

    func backward(input: UnsafePointer<Float>, output: UnsafePointer<Float>,
                  outputGradient: UnsafeMutablePointer<Float>,
                  inputGradient: UnsafeMutablePointer<Float>?, rows: Int) {
        let n = outputFeatures
        let db = bias.gradient.pointer
        switch layout {
        case .examples:
            db.update(repeating: 0, count: n)
            // Through the ReLU (its output is positive exactly where it let the input
            // through), and the bias gradient as column sums, in one pass.
            for row in 0..<rows {
                let dy = outputGradient + row * n
                if relu {
                    let y = output + row * n
                    for j in 0..<n {
                        let g = y[j] > 0 ? dy[j] : 0
                        dy[j] = g
                        db[j] += g
                    }
                } else {
                    for j in 0..<n { db[j] += dy[j] }
                }
            }
            // ∂W = xᵀ·∂y
            BLAS.gemm(transposeA: true, m: inputFeatures, n: n, k: rows,
                      a: input, lda: inputFeatures, b: outputGradient, ldb: n,
                      c: weight.gradient.pointer, ldc: n)
            // ∂x = ∂y·Wᵀ
            if let inputGradient {
                BLAS.gemm(transposeB: true, m: rows, n: inputFeatures, k: n,
                          a: outputGradient, lda: n, b: weight.value.pointer, ldb: n,
                          c: inputGradient, ldc: inputFeatures)
            }
        case .features:
            let lanes = ActivationLayout.lanes(rows: rows)
            // Each output's row of lanes: through the ReLU, then summed for the bias.
            for j in 0..<n {
                let dy = outputGradient + j * lanes
                if relu {
                    db[j] = ConvolutionLayer.gateAndSum(dy, by: output + j * lanes, count: rows)
                } else {
                    var sum: Float = 0
                    for r in 0..<rows { sum += dy[r] }
                    db[j] = sum
                }
            }
            if let pattern = weight.pattern {
                SparseKernels.weightGradient(pattern: pattern, x: input, outputGradient: outputGradient,
                                             into: weight.gradient.pointer, lanes: lanes)
                if let inputGradient {
                    SparseKernels.inputGradient(pattern: pattern, values: weight.value.pointer,
                                                outputGradient: outputGradient, into: inputGradient, lanes: lanes)
                }
                return
            }
            // ∂W = xᵀ·∂y, with x and ∂y stored transposed.
            BLAS.gemm(transposeB: true, m: inputFeatures, n: n, k: lanes, a: input, lda: lanes,
                      b: outputGradient, ldb: lanes, c: weight.gradient.pointer, ldc: n)
            // ∂xᵀ = W·∂yᵀ
            if let inputGradient {
                BLAS.gemm(m: inputFeatures, n: lanes, k: n, a: weight.value.pointer, lda: n,
                          b: outputGradient, ldb: lanes, c: inputGradient, ldc: lanes)
            }
        }
    }
}
