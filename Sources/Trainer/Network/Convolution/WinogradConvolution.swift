/// A 3×3 "same" convolution by Winograd's minimal filtering F(2×2, 3×3)
/// (Lavin & Gray 2016): each 2×2 block of outputs comes from a 4×4 input tile,
/// and in the transformed domain the convolution becomes 16 independent matrix
/// products, one per tile position ξ:
///
///     V = Bᵀ d B (input tiles)   U = G g Gᵀ (kernels)   M[ξ] = U[ξ] · V[ξ]   y = Aᵀ M A
///
/// 16 products of `out × in × tiles` do the work of im2col's `out × 9·in × 4·tiles`:
/// 2.25× fewer multiplications, which is what puts training past the im2col bound
/// (PERFORMANCE.md). The backward pass is the same algebra transposed:
///
///     ∂M = A ∂y Aᵀ   ∂U[ξ] = ∂M[ξ] · V[ξ]ᵀ   ∂g = Gᵀ ∂U G   ∂V[ξ] = U[ξ]ᵀ · ∂M[ξ]   ∂d = B ∂V Bᵀ
///
/// Examples are processed in chunks of about `tilesPerChunk` tiles, so that a
/// chunk's transformed tiles are still in cache when its products read them
/// (512 tiles ran at 1.3× the speed of 4,096 for Conv-2 here); the backward pass
/// transforms its chunk's input again rather than keeping every chunk's.
final class WinogradConvolution: ConvolutionKernel {
    let geometry: ConvolutionGeometry
    let tilesY: Int
    let tilesX: Int
    /// Examples per chunk.
    let chunk: Int
    /// Transformed kernels U, `16 × out × in`.
    private let kernels: FloatBuffer
    /// Buffers of each lane: examples are split between lanes that run at once
    /// when training has more than one thread.
    private var workspaces: [WinogradWorkspace] = []

    static let tilesPerChunk = 512

    /// Lanes to split a batch into; nil = one per training thread (`Lanes.count`).
    var lanes: Int?

    init(geometry: ConvolutionGeometry) {
        self.geometry = geometry
        tilesY = (geometry.height + 1) / 2
        tilesX = (geometry.width + 1) / 2
        chunk = max(1, Self.tilesPerChunk / (tilesY * tilesX))
        kernels = FloatBuffer(count: 16 * geometry.outputChannels * geometry.inputChannels)
    }

    /// Floats from one tile position's `rows × tiles` matrix to the next. The
    /// matrices are a power-of-two number of kilobytes apart for common sizes, so
    /// the 16 streams a transform reads or writes at once would all map to the same
    /// cache sets; a few hundred bytes of slack between them spread them out.
    static func planeStride(rows: Int, tiles: Int) -> Int {
        rows * tiles + 80
    }

    var paddedHeight: Int { 2 * tilesY + 2 }
    var paddedWidth: Int { 2 * tilesX + 2 }
    var tilesPerExample: Int { tilesY * tilesX }

    /// The workspaces of `count` lanes, made when first needed.
    private func workspaces(_ count: Int) -> ArraySlice<WinogradWorkspace> {
        while workspaces.count < count {
            workspaces.append(WinogradWorkspace(kernel: self))
        }
        return workspaces[0..<count]
    }

    /// Splits `rows` examples into whole chunks per lane: lane i gets `ranges[i]`.
    private func ranges(rows: Int) -> [Range<Int>] {
        let chunks = (rows + chunk - 1) / chunk
        let lanes = max(1, min(self.lanes ?? Lanes.count, chunks))
        return (0..<lanes).map { lane in
            let first = min(rows, chunks * lane / lanes * chunk)
            let last = min(rows, chunks * (lane + 1) / lanes * chunk)
            return first..<last
        }
    }

    /// The sizes of one chunk's transformed matrices.
    struct ChunkLayout {
        var tiles: Int
        var inputStride: Int
        var outputStride: Int
    }

    /// Splits `rows` examples between lanes, and each lane's share into chunks:
    /// `body(workspace, first example, examples, layout)` for every chunk, after
    /// `starting(workspace)` once per lane. Returns the lanes' workspaces.
    @discardableResult
    private func forEachChunk(rows: Int, starting: (WinogradWorkspace) -> Void = { _ in },
                              _ body: (WinogradWorkspace, Int, Int, ChunkLayout) -> Void) -> ArraySlice<WinogradWorkspace> {
        let ranges = ranges(rows: rows)
        let lanes = workspaces(ranges.count)
        Lanes.run(ranges.count) { lane in
            let workspace = lanes[lane]
            starting(workspace)
            var first = ranges[lane].lowerBound
            while first < ranges[lane].upperBound {
                let count = min(chunk, ranges[lane].upperBound - first)
                let tiles = count * tilesPerExample
                body(workspace, first, count,
                     ChunkLayout(tiles: tiles, inputStride: Self.planeStride(rows: geometry.inputChannels, tiles: tiles),
                                 outputStride: Self.planeStride(rows: geometry.outputChannels, tiles: tiles)))
                first += count
            }
        }
        return lanes
    }

    func forward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                 rows: Int, training: Bool) {
        transformKernels(weight)
        let g = geometry
        forEachChunk(rows: rows) { w, first, count, chunk in
            transformInput(x + first * g.input.features, examples: count, into: w)
            for xi in 0..<16 {
                BLAS.gemm(m: g.outputChannels, n: chunk.tiles, k: g.inputChannels,
                          a: kernels.pointer + xi * g.outputChannels * g.inputChannels, lda: g.inputChannels,
                          b: w.inputTiles.pointer + xi * chunk.inputStride, ldb: chunk.tiles,
                          c: w.products.pointer + xi * chunk.outputStride, ldc: chunk.tiles)
            }
            transformOutput(from: w, into: y + first * g.outputChannels * g.plane, examples: count)
        }
    }

    func backward(input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                  weightGradient dW: UnsafeMutablePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>?,
                  rows: Int) {
        // U from the forward pass of these rows is still in `kernels`.
        let g = geometry
        let pair = g.outputChannels * g.inputChannels
        let lanes = forEachChunk(rows: rows, starting: { $0.kernelGradients.fill(0) }) { w, first, count, chunk in
            transformInput(x + first * g.input.features, examples: count, into: w)
            transformOutputGradient(dy + first * g.outputChannels * g.plane, examples: count, into: w)
            for xi in 0..<16 {
                BLAS.gemm(transposeB: true, m: g.outputChannels, n: g.inputChannels, k: chunk.tiles,
                          a: w.products.pointer + xi * chunk.outputStride, lda: chunk.tiles,
                          b: w.inputTiles.pointer + xi * chunk.inputStride, ldb: chunk.tiles,
                          beta: 1, c: w.kernelGradients.pointer + xi * pair, ldc: g.inputChannels)
            }
            if let dx {
                // ∂V overwrites V, which this chunk no longer needs.
                for xi in 0..<16 {
                    BLAS.gemm(transposeA: true, m: g.inputChannels, n: chunk.tiles, k: g.outputChannels,
                              a: kernels.pointer + xi * pair, lda: g.inputChannels,
                              b: w.products.pointer + xi * chunk.outputStride, ldb: chunk.tiles,
                              c: w.inputTiles.pointer + xi * chunk.inputStride, ldc: chunk.tiles)
                }
                transformInputGradient(from: w, into: dx + first * g.input.features, examples: count)
            }
        }
        // The lanes' ∂U summed into the first lane's.
        let total = workspaces(1)[0].kernelGradients
        for other in lanes.dropFirst() {
            let source = other.kernelGradients.pointer
            for i in 0..<total.count { total.pointer[i] += source[i] }
        }
        if rows == 0 { total.fill(0) }
        transformKernelGradients(total.pointer, into: dW)
    }

    // MARK: Transforms

    /// U = G g Gᵀ for every (out, in) pair, stored by tile position.
    private func transformKernels(_ weight: UnsafePointer<Float>) {
        let pairs = geometry.outputChannels * geometry.inputChannels
        let u = kernels.pointer
        for pair in 0..<pairs {
            let g = weight + pair * 9
            // G g, column by column: each column (a, b, c) becomes (a, ½(a+b+c), ½(a−b+c), c).
            let a = SIMD3(g[0], g[1], g[2]), b = SIMD3(g[3], g[4], g[5]), c = SIMD3(g[6], g[7], g[8])
            let rows = (a, 0.5 * (a + b + c), 0.5 * (a - b + c), c)
            // (G g) Gᵀ, row by row.
            storeKernelRow(rows.0, into: u, row: 0, pair: pair, pairs: pairs)
            storeKernelRow(rows.1, into: u, row: 1, pair: pair, pairs: pairs)
            storeKernelRow(rows.2, into: u, row: 2, pair: pair, pairs: pairs)
            storeKernelRow(rows.3, into: u, row: 3, pair: pair, pairs: pairs)
        }
    }

    @inline(__always)
    private func storeKernelRow(_ t: SIMD3<Float>, into u: UnsafeMutablePointer<Float>, row: Int, pair: Int, pairs: Int) {
        u[(4 * row + 0) * pairs + pair] = t[0]
        u[(4 * row + 1) * pairs + pair] = 0.5 * (t[0] + t[1] + t[2])
        u[(4 * row + 2) * pairs + pair] = 0.5 * (t[0] - t[1] + t[2])
        u[(4 * row + 3) * pairs + pair] = t[2]
    }

    /// ∂g = Gᵀ ∂U G for every (out, in) pair.
    private func transformKernelGradients(_ du: UnsafePointer<Float>, into dW: UnsafeMutablePointer<Float>) {
        let pairs = geometry.outputChannels * geometry.inputChannels
        for pair in 0..<pairs {
            // ∂U G, row by row: (u0 + ½(u1+u2), ½(u1−u2), ½(u1+u2) + u3).
            let r0 = kernelGradientRow(du, row: 0, pair: pair, pairs: pairs)
            let r1 = kernelGradientRow(du, row: 1, pair: pair, pairs: pairs)
            let r2 = kernelGradientRow(du, row: 2, pair: pair, pairs: pairs)
            let r3 = kernelGradientRow(du, row: 3, pair: pair, pairs: pairs)
            // Gᵀ (∂U G): the same combination of the rows.
            let g0 = r0 + 0.5 * (r1 + r2), g1 = 0.5 * (r1 - r2), g2 = 0.5 * (r1 + r2) + r3
            let g = dW + pair * 9
            g[0] = g0[0]; g[1] = g0[1]; g[2] = g0[2]
            g[3] = g1[0]; g[4] = g1[1]; g[5] = g1[2]
            g[6] = g2[0]; g[7] = g2[1]; g[8] = g2[2]
        }
    }

    @inline(__always)
    private func kernelGradientRow(_ du: UnsafePointer<Float>, row: Int, pair: Int, pairs: Int) -> SIMD3<Float> {
        let u0 = du[(4 * row) * pairs + pair], u1 = du[(4 * row + 1) * pairs + pair]
        let u2 = du[(4 * row + 2) * pairs + pair], u3 = du[(4 * row + 3) * pairs + pair]
        return SIMD3(u0 + 0.5 * (u1 + u2), 0.5 * (u1 - u2), 0.5 * (u1 + u2) + u3)
    }
}

/// The buffers one lane of a Winograd convolution works in.
final class WinogradWorkspace {
    /// Transformed input tiles V (and, in the backward pass, ∂V), `16 × in × tiles`.
    let inputTiles: FloatBuffer
    /// Products M (and, in the backward pass, ∂M), `16 × out × tiles`.
    let products: FloatBuffer
    /// One example's channels with a zero border: the tiles read it without bounds checks.
    let padded: FloatBuffer
    /// Rows of partial transforms for one row of tiles.
    let scratch: FloatBuffer
    /// ∂U of this lane's examples, `16 × out × in`.
    let kernelGradients: FloatBuffer

    init(kernel: WinogradConvolution) {
        let g = kernel.geometry
        let tiles = kernel.chunk * kernel.tilesPerExample
        inputTiles = FloatBuffer(count: 16 * WinogradConvolution.planeStride(rows: g.inputChannels, tiles: tiles))
        products = FloatBuffer(count: 16 * WinogradConvolution.planeStride(rows: g.outputChannels, tiles: tiles))
        padded = FloatBuffer(count: g.inputChannels * kernel.paddedHeight * kernel.paddedWidth)
        scratch = FloatBuffer(count: 16 * (kernel.tilesX + 1) + 4 * kernel.paddedWidth)
        kernelGradients = FloatBuffer(count: 16 * g.outputChannels * g.inputChannels)
    }
}
