/// A 3×3 "same" convolution lowered to matrix products, one example at a time,
/// channels as rows: `y[out × h·w] = W[out × 9·in] · cols[9·in × h·w]`. Per
/// example products measured faster with OpenBLAS here than one batched product
/// (70 against 60 GFLOP/s for the 64→64 layer, PERFORMANCE.md), and they keep
/// the lowered matrix small: it is rebuilt in the backward pass, not stored.
final class Im2colConvolution: ConvolutionKernel {
    let geometry: ConvolutionGeometry
    /// `9·in × h·w`: the lowered input of one example, or its gradient.
    private let columns: FloatBuffer

    init(geometry: ConvolutionGeometry) {
        self.geometry = geometry
        columns = FloatBuffer(count: geometry.inputChannels * 9 * geometry.plane)
    }

    func forward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                 rows: Int, training: Bool) {
        let g = geometry
        let depth = g.inputChannels * 9
        for row in 0..<rows {
            Self.lower(x + row * g.input.features, into: columns.pointer, geometry: g)
            BLAS.gemm(m: g.outputChannels, n: g.plane, k: depth, a: weight, lda: depth,
                      b: columns.pointer, ldb: g.plane, c: y + row * g.outputChannels * g.plane, ldc: g.plane)
        }
    }

    func backward(input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                  weightGradient dW: UnsafeMutablePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>?,
                  rows: Int) {
        let g = geometry
        let depth = g.inputChannels * 9
        for row in 0..<rows {
            let gradient = dy + row * g.outputChannels * g.plane
            // ∂W += ∂y · colsᵀ
            Self.lower(x + row * g.input.features, into: columns.pointer, geometry: g)
            BLAS.gemm(transposeB: true, m: g.outputChannels, n: depth, k: g.plane, a: gradient, lda: g.plane,
                      b: columns.pointer, ldb: g.plane, beta: row == 0 ? 0 : 1, c: dW, ldc: depth)
            // ∂cols = Wᵀ · ∂y, then folded back onto the input's pixels.
            if let dx {
                BLAS.gemm(transposeA: true, m: depth, n: g.plane, k: g.outputChannels, a: weight, lda: depth,
                          b: gradient, ldb: g.plane, c: columns.pointer, ldc: g.plane)
                Self.fold(columns.pointer, into: dx + row * g.input.features, geometry: g)
            }
        }
        if rows == 0 { dW.update(repeating: 0, count: g.outputChannels * depth) }
    }

    /// im2col: row `c·9 + 3·ky + kx` of `cols` holds, for every output pixel, the
    /// input pixel the kernel tap (ky, kx) of channel c sees there (0 off the edge).
    static func lower(_ x: UnsafePointer<Float>, into cols: UnsafeMutablePointer<Float>, geometry g: ConvolutionGeometry) {
        let h = g.height, w = g.width
        for c in 0..<g.inputChannels {
            let source = x + c * h * w
            for ky in 0..<3 {
                for kx in 0..<3 {
                    let target = cols + ((c * 3 + ky) * 3 + kx) * h * w
                    let dx = kx - 1
                    // Output columns whose tap lands inside the row: [lo, hi).
                    let lo = max(0, -dx), hi = min(w, w - dx)
                    for oy in 0..<h {
                        let iy = oy + ky - 1
                        let line = target + oy * w
                        guard iy >= 0, iy < h else {
                            line.update(repeating: 0, count: w)
                            continue
                        }
                        if lo > 0 { line[0] = 0 }
                        if hi < w { line[w - 1] = 0 }
                        (line + lo).update(from: source + iy * w + lo + dx, count: hi - lo)
                    }
                }
            }
        }
    }

    /// col2im: the transpose of `lower`, summing each tap's gradient onto the
    /// input pixel it came from. Overwrites `dx`.
    static func fold(_ cols: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, geometry g: ConvolutionGeometry) {
        let h = g.height, w = g.width
        dx.update(repeating: 0, count: g.input.features)
        for c in 0..<g.inputChannels {
            let target = dx + c * h * w
            for ky in 0..<3 {
                for kx in 0..<3 {
                    let source = cols + ((c * 3 + ky) * 3 + kx) * h * w
                    let dxOffset = kx - 1
                    let lo = max(0, -dxOffset), hi = min(w, w - dxOffset)
                    for oy in 0..<h {
                        let iy = oy + ky - 1
                        guard iy >= 0, iy < h else { continue }
                        let from = source + oy * w
                        let to = target + iy * w + dxOffset
                        for ox in lo..<hi { to[ox] += from[ox] }
                    }
                }
            }
        }
    }
}
