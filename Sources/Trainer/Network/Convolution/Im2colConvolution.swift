/// A convolution lowered to matrix products, one example at a time, channels as
/// rows: `y[out × oh·ow] = W[out × taps·in] · cols[taps·in × oh·ow]`. Per example
/// products measured faster with OpenBLAS here than one batched product (70
/// against 60 GFLOP/s for the 64→64 layer, PERFORMANCE.md), and they keep the
/// lowered matrix small: it is rebuilt in the backward pass, not stored.
///
/// Any geometry: 3×3 "same" convolutions take a fast path of contiguous row
/// copies; strided and 1×1 ones (ResNet's downsampling and shortcuts) gather.
///
/// With more than one training thread the examples are split between lanes, each
/// with its own lowered matrix; in the backward pass each lane sums ∂W over its
/// own examples and the lanes' sums are added in lane order.
final class Im2colConvolution: ConvolutionKernel {
    let geometry: ConvolutionGeometry
    /// Per lane, `taps·in × oh·ow`: the lowered input of one example, or its gradient.
    private var columns: [FloatBuffer] = []
    /// Per lane after the first, its examples' share of ∂W (the first lane's is ∂W itself).
    private var weightGradients: [FloatBuffer] = []

    init(geometry: ConvolutionGeometry) {
        self.geometry = geometry
    }

    private var depth: Int { geometry.inputChannels * geometry.taps }

    /// Splits `rows` examples between this trial's lanes (lane i gets `ranges[i]`),
    /// with each lane's buffers made when first needed.
    private func ranges(rows: Int) -> [Range<Int>] {
        let lanes = max(1, min(Lanes.count, rows))
        while columns.count < lanes {
            columns.append(FloatBuffer(count: depth * geometry.outputPlane))
        }
        while weightGradients.count < lanes - 1 {
            weightGradients.append(FloatBuffer(count: geometry.outputChannels * depth))
        }
        return (0..<lanes).map { lane in (rows * lane / lanes)..<(rows * (lane + 1) / lanes) }
    }

    func forward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                 rows: Int, training: Bool) {
        let g = geometry
        let depth = depth
        let plane = g.outputPlane
        let ranges = ranges(rows: rows)
        let columns = columns.map(\.pointer)
        Lanes.run(ranges.count) { lane in
            for row in ranges[lane] {
                Self.lower(x + row * g.input.features, into: columns[lane], geometry: g)
                BLAS.gemm(m: g.outputChannels, n: plane, k: depth, a: weight, lda: depth,
                          b: columns[lane], ldb: plane, c: y + row * g.outputChannels * plane, ldc: plane)
            }
        }
    }

    func backward(input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                  weightGradient dW: UnsafeMutablePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>?,
                  rows: Int) {
        let g = geometry
        let depth = depth
        let plane = g.outputPlane
        let ranges = ranges(rows: rows)
        let columns = columns.map(\.pointer)
        let sums = [dW] + weightGradients.prefix(ranges.count - 1).map(\.pointer)
        Lanes.run(ranges.count) { lane in
            let cols = columns[lane], sum = sums[lane]
            for row in ranges[lane] {
                let gradient = dy + row * g.outputChannels * plane
                // ∂W += ∂y · colsᵀ
                Self.lower(x + row * g.input.features, into: cols, geometry: g)
                BLAS.gemm(transposeB: true, m: g.outputChannels, n: depth, k: plane, a: gradient, lda: plane,
                          b: cols, ldb: plane, beta: row == ranges[lane].lowerBound ? 0 : 1, c: sum, ldc: depth)
                // ∂cols = Wᵀ · ∂y, then folded back onto the input's pixels.
                if let dx {
                    BLAS.gemm(transposeA: true, m: depth, n: plane, k: g.outputChannels, a: weight, lda: depth,
                              b: gradient, ldb: plane, c: cols, ldc: plane)
                    Self.fold(cols, into: dx + row * g.input.features, geometry: g)
                }
            }
            if ranges[lane].isEmpty { sum.update(repeating: 0, count: g.outputChannels * depth) }
        }
        guard sums.count > 1 else { return }
        Lanes.split(g.outputChannels * depth) { share in
            for other in sums.dropFirst() {
                for i in share { dW[i] += other[i] }
            }
        }
    }

    /// im2col: row `c·taps + k·ky + kx` of `cols` holds, for every output pixel, the
    /// input pixel the kernel tap (ky, kx) of channel c sees there (0 off the edge).
    static func lower(_ x: UnsafePointer<Float>, into cols: UnsafeMutablePointer<Float>, geometry g: ConvolutionGeometry) {
        guard g.isSame3x3 else {
            gather(x, into: cols, geometry: g)
            return
        }
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
        dx.update(repeating: 0, count: g.input.features)
        guard g.isSame3x3 else {
            scatter(cols, into: dx, geometry: g)
            return
        }
        let h = g.height, w = g.width
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

    /// The output columns whose tap `kx` lands inside a row of width `w`: [lo, hi).
    @inline(__always)
    private static func columns(tap kx: Int, geometry g: ConvolutionGeometry) -> Range<Int> {
        let s = g.stride, p = g.padding, ow = g.output.width
        // ix = ox·s + kx − p must lie in [0, w) (integer division truncates towards
        // zero, so a negative numerator is handled apart).
        let lo = max(0, (p - kx + s - 1) / s)
        let last = g.width - 1 - kx + p
        let hi = last < 0 ? 0 : min(ow, last / s + 1)
        return lo..<max(lo, hi)
    }

    /// `lower` for any kernel size and stride: strided copies of the rows.
    private static func gather(_ x: UnsafePointer<Float>, into cols: UnsafeMutablePointer<Float>,
                               geometry g: ConvolutionGeometry) {
        let h = g.height, w = g.width, k = g.kernelSize, s = g.stride, p = g.padding
        let oh = g.output.height, ow = g.output.width
        for c in 0..<g.inputChannels {
            let source = x + c * h * w
            for ky in 0..<k {
                for kx in 0..<k {
                    let target = cols + ((c * k + ky) * k + kx) * oh * ow
                    let inside = columns(tap: kx, geometry: g)
                    for oy in 0..<oh {
                        let iy = oy * s + ky - p
                        let line = target + oy * ow
                        guard iy >= 0, iy < h else {
                            line.update(repeating: 0, count: ow)
                            continue
                        }
                        let sourceRow = source + iy * w + kx - p
                        for ox in 0..<inside.lowerBound { line[ox] = 0 }
                        var ox = inside.lowerBound
                        if s == 2 {
                            // Eight at a time from the row's 15 floats from 2·ox on, read as
                            // floats 0…7 and 7…14 so that nothing past the row is read.
                            while ox + 8 <= inside.upperBound {
                                let pairs = sourceRow + 2 * ox
                                let low = SIMD8<Float>.load(pairs), high = SIMD8<Float>.load(pairs + 7)
                                SIMD8(lowHalf: low.evenHalf, highHalf: high.oddHalf).store(line + ox)
                                ox += 8
                            }
                        }
                        for ox in ox..<inside.upperBound { line[ox] = sourceRow[ox * s] }
                        for ox in inside.upperBound..<ow { line[ox] = 0 }
                    }
                }
            }
        }
    }

    /// `fold` for any kernel size and stride; `dx` is already zero.
    private static func scatter(_ cols: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                                geometry g: ConvolutionGeometry) {
        let h = g.height, w = g.width, k = g.kernelSize, s = g.stride, p = g.padding
        let oh = g.output.height, ow = g.output.width
        for c in 0..<g.inputChannels {
            let target = dx + c * h * w
            for ky in 0..<k {
                for kx in 0..<k {
                    let source = cols + ((c * k + ky) * k + kx) * oh * ow
                    let inside = columns(tap: kx, geometry: g)
                    for oy in 0..<oh {
                        let iy = oy * s + ky - p
                        guard iy >= 0, iy < h else { continue }
                        let line = source + oy * ow
                        let targetRow = target + iy * w + kx - p
                        var ox = inside.lowerBound
                        if s == 2 {
                            // As in `gather`: floats 0…7 and 7…14 from 2·ox on, the even
                            // ones of the first and the odd ones of the second added to.
                            while ox + 8 <= inside.upperBound {
                                let pairs = targetRow + 2 * ox
                                var low = SIMD8<Float>.load(pairs)
                                low.evenHalf += SIMD4<Float>.load(line + ox)
                                low.store(pairs)
                                var high = SIMD8<Float>.load(pairs + 7)
                                high.oddHalf += SIMD4<Float>.load(line + ox + 4)
                                high.store(pairs + 7)
                                ox += 8
                            }
                        }
                        for ox in ox..<inside.upperBound { targetRow[ox * s] += line[ox] }
                    }
                }
            }
        }
    }
}
