import SweepPlan

/// y = x·W + b, then ReLU unless it is the output layer. W is `in × out`, row-major,
/// so the forward product is one `sgemm` with no transposes.
final class DenseLayer: Layer {
    let inputFeatures: Int
    let outputFeatures: Int
    let weight: Parameter
    let bias: Parameter
    let relu: Bool

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

    func forward(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        let n = outputFeatures
        BLAS.gemm(m: rows, n: n, k: inputFeatures, a: input, lda: inputFeatures,
                  b: weight.value.pointer, ldb: n, c: output, ldc: n)
        let b = bias.value.pointer
        // Bias and activation in one pass over the output.
        for row in 0..<rows {
            let y = output + row * n
            if relu {
                for j in 0..<n { y[j] = max(y[j] + b[j], 0) }
            } else {
                for j in 0..<n { y[j] += b[j] }
            }
        }
    }

    func backward(input: UnsafePointer<Float>, output: UnsafePointer<Float>,
                  outputGradient: UnsafeMutablePointer<Float>,
                  inputGradient: UnsafeMutablePointer<Float>?, rows: Int) {
        let n = outputFeatures
        let db = bias.gradient.pointer
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
    }
}
