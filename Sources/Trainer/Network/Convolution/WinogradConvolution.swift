/// A 3×3 "same" convolution by Winograd's minimal filtering F(m×m, 3×3) (Lavin &
/// Gray 2016), m = 2 or 4: each m×m block of outputs comes from an (m+2)×(m+2)
/// input tile, and in the transformed domain the convolution becomes (m+2)²
/// independent matrix products, one per tile position ξ:
///
///     V = Bᵀ d B (input tiles)   U = G g Gᵀ (kernels)   M[ξ] = U[ξ] · V[ξ]   y = Aᵀ M A
///
/// F(2×2, 3×3) makes 16 products of `out × in × tiles` for im2col's `out × 9·in × 4·tiles`,
/// 2.25× fewer multiplications, which is what puts training past the im2col bound
/// (PERFORMANCE.md); F(4×4, 3×3) makes 36 for `16·tiles` outputs, 4× fewer, and
/// writes and reads 2.25 transformed values per output instead of 4. Its transforms
/// take more arithmetic per tile, and they run as vectors along a row of tiles, so
/// it is used on planes at least 8 wide (`outputTile(for:)`). The backward pass is
/// the same algebra transposed:
///
///     ∂M = A ∂y Aᵀ   ∂U[ξ] = ∂M[ξ] · V[ξ]ᵀ   ∂g = Gᵀ ∂U G   ∂V[ξ] = U[ξ]ᵀ · ∂M[ξ]   ∂d = B ∂V Bᵀ
///
/// Examples are processed in chunks of about `outputsPerChunk` outputs, so that a
/// chunk's transformed tiles are still in cache when its products read them (512
/// tiles of F(2×2) ran at 1.3× the speed of 4,096 for Conv-2, and 128 tiles of
/// F(4×4) 1.03× the speed of 512 for ResNet-18 and VGG-19, here); the backward pass
/// transforms its chunk's input again rather than keeping every chunk's.
final class WinogradConvolution: ConvolutionKernel {
    let geometry: ConvolutionGeometry
    /// m: each tile gives m×m outputs (2 or 4).
    let outputTile: Int
    /// (m + 2)², the tile positions ξ: products per chunk.
    let positions: Int
    let tilesY: Int
    let tilesX: Int
    /// Examples per chunk.
    let chunk: Int
    /// Transformed kernels U, `positions × out × in`.
    private let kernels: FloatBuffer
    /// Buffers of each lane: examples are split between lanes that run at once
    /// when training has more than one thread.
    private var workspaces: [WinogradWorkspace] = []

    static let outputsPerChunk = 2048

    /// Lanes to split a batch into; nil = one per training thread (`Lanes.count`).
    var lanes: Int?
    /// Whether `kernels` holds the transform of the frozen weights (`weightsFrozen`).
    private var kernelsOfFrozenWeights = false
    private var frozen = false

    /// F(`outputTile`×`outputTile`, 3×3); by default as `outputTile(for:)` picks.
    init(geometry: ConvolutionGeometry, outputTile: Int? = nil) {
        let m = outputTile ?? Self.outputTile(for: geometry)
        precondition(m == 2 || m == 4, "Winograd computes F(2×2, 3×3) or F(4×4, 3×3), not F(\(m)×\(m), 3×3)")
        self.geometry = geometry
        self.outputTile = m
        positions = (m + 2) * (m + 2)
        tilesY = (geometry.height + m - 1) / m
        tilesX = (geometry.width + m - 1) / m
        chunk = max(1, Self.outputsPerChunk / (tilesY * tilesX * m * m))
        kernels = FloatBuffer(count: positions * geometry.outputChannels * geometry.inputChannels)
    }

    /// F(4×4, 3×3) on planes at least 8 wide, F(2×2, 3×3) on smaller ones. Measured
    /// here: F(4×4) trained VGG-19 1.07× faster with its 8×8 layers included, and
    /// ResNet-18 as fast. On 4×4 planes (one tile an example) VGG-19 trained no faster
    /// on 1 or 2 threads, for 36 planes of U and ∂U instead of 16.
    static func outputTile(for geometry: ConvolutionGeometry) -> Int {
        geometry.width >= 8 ? 4 : 2
    }

    /// Floats from one tile position's `rows × tiles` matrix to the next. The
    /// matrices are a power-of-two number of kilobytes apart for common sizes, so
    /// the 16 streams a transform reads or writes at once would all map to the same
    /// cache sets; a few hundred bytes of slack between them spread them out.
    static func planeStride(rows: Int, tiles: Int) -> Int {
        rows * tiles + 80
    }

    /// Padded planes: one zero row above and enough below for the last row of tiles.
    var paddedHeight: Int { outputTile * tilesY + 2 }
    /// A padded row is stored as `outputTile` phases (columns by their remainder
    /// modulo m), each `phaseLength` long: a tile's columns are then contiguous
    /// streams along the row of tiles.
    var paddedWidth: Int { outputTile * phaseLength }
    var phaseLength: Int { tilesX + 1 }
    var tilesPerExample: Int { tilesY * tilesX }

    /// The workspaces of `count` lanes, made when first needed.
    private func workspaces(_ count: Int) -> ArraySlice<WinogradWorkspace> {
        while workspaces.count < count {
            workspaces.append(WinogradWorkspace(kernel: self))
        }
        return workspaces[0..<count]
    }

    /// Splits `rows` examples into whole chunks per lane: lane i gets `ranges[i]`,
    /// in chunks of `chunk` examples. Chunks shrink when there are fewer than lanes,
    /// so that every lane has work: on small planes one chunk can hold a whole batch
    /// (VGG-19's 4×4 and 2×2 layers), which left the second lane idle.
    func ranges(rows: Int) -> (ranges: [Range<Int>], chunk: Int) {
        let wanted = max(1, self.lanes ?? Lanes.count)
        let chunk = max(1, min(self.chunk, (rows + wanted - 1) / wanted))
        let chunks = (rows + chunk - 1) / chunk
        let lanes = max(1, min(wanted, chunks))
        let ranges = (0..<lanes).map { lane in
            let first = min(rows, chunks * lane / lanes * chunk)
            let last = min(rows, chunks * (lane + 1) / lanes * chunk)
            return first..<last
        }
        return (ranges, chunk)
    }

    /// The sizes of one chunk's transformed matrices.
    struct ChunkLayout {
        var tiles: Int
        var inputStride: Int
        var outputStride: Int
    }

    /// Whether each lane of a split (`ranges(rows:)`) holds one chunk, so that the
    /// backward pass has the lanes share one ∂U (`backwardInOneChunkPerLane`).
    static func holdsOneChunkPerLane(_ split: (ranges: [Range<Int>], chunk: Int)) -> Bool {
        split.ranges.count > 1 && split.ranges.allSatisfy { $0.count <= split.chunk }
    }

    /// Runs a split of examples between lanes (`ranges(rows:)`), each lane's share in
    /// chunks: `body(workspace, first example, examples, layout)` for every chunk, after
    /// `starting(workspace)` once per lane. Returns the lanes' workspaces.
    @discardableResult
    private func forEachChunk(_ split: (ranges: [Range<Int>], chunk: Int),
                              starting: (WinogradWorkspace) -> Void = { _ in },
                              _ body: (WinogradWorkspace, Int, Int, ChunkLayout) -> Void) -> ArraySlice<WinogradWorkspace> {
        let (ranges, chunk) = split
        let lanes = workspaces(ranges.count)
        Lanes.run(ranges.count) { lane in
            let workspace = lanes[lane]
            starting(workspace)
            var first = ranges[lane].lowerBound
            while first < ranges[lane].upperBound {
                let count = min(chunk, ranges[lane].upperBound - first)
                body(workspace, first, count, layout(examples: count))
                first += count
            }
        }
        return lanes
    }

    private func layout(examples: Int) -> ChunkLayout {
        let tiles = examples * tilesPerExample
        return ChunkLayout(tiles: tiles, inputStride: Self.planeStride(rows: geometry.inputChannels, tiles: tiles),
                           outputStride: Self.planeStride(rows: geometry.outputChannels, tiles: tiles))
    }

    func forward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                 rows: Int, training: Bool) {
        if !kernelsOfFrozenWeights {
            forEachPairBlock { pairs in
                if outputTile == 4 { transformKernels4(weight, pairs: pairs) } else { transformKernels(weight, pairs: pairs) }
            }
            kernelsOfFrozenWeights = frozen
        }
        let g = geometry
        forEachChunk(ranges(rows: rows)) { w, first, count, chunk in
            transformInput(x + first * g.input.features, examples: count, into: w)
            for xi in 0..<positions {
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
        let split = ranges(rows: rows)
        if Self.holdsOneChunkPerLane(split) {
            backwardInOneChunkPerLane(input: x, outputGradient: dy, weightGradient: dW, inputGradient: dx,
                                      ranges: split.ranges)
            return
        }
        let lanes = forEachChunk(split, starting: { $0.kernelGradients.fill(0) }) { w, first, count, chunk in
            transformInput(x + first * g.input.features, examples: count, into: w)
            transformOutputGradient(dy + first * g.outputChannels * g.plane, examples: count, into: w)
            for xi in 0..<positions {
                BLAS.gemm(transposeB: true, m: g.outputChannels, n: g.inputChannels, k: chunk.tiles,
                          a: w.products.pointer + xi * chunk.outputStride, lda: chunk.tiles,
                          b: w.inputTiles.pointer + xi * chunk.inputStride, ldb: chunk.tiles,
                          beta: 1, c: w.kernelGradients.pointer + xi * pair, ldc: g.inputChannels)
            }
            if let dx { inputGradient(of: w, chunk, into: dx + first * g.input.features, examples: count) }
        }
        // ∂g from the sum of the lanes' ∂U, taken in lane order.
        transformKernelGradients(lanes.map { UnsafePointer($0.kernelGradients.pointer) }, into: dW)
    }

    /// `backward` when each lane holds one chunk: small planes, where a batch is a few
    /// chunks (VGG-19's 8×8, 4×4 and 2×2 layers on 2 threads). Rather than each lane
    /// adding its own tiles' products onto an ∂U of its own, which the lanes' sums then
    /// read again, the lanes first transform their examples, then each computes its
    /// share of ∂U's rows (output channels) from every lane's tiles, in lane order,
    /// into one ∂U. Per lane, each lane wrote all of ∂U (16 MB for 512×512 channels)
    /// for a product only as deep as its own few tiles.
    private func backwardInOneChunkPerLane(input x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                                           weightGradient dW: UnsafeMutablePointer<Float>,
                                           inputGradient dx: UnsafeMutablePointer<Float>?, ranges: [Range<Int>]) {
        let g = geometry
        let pair = g.outputChannels * g.inputChannels
        let lanes = workspaces(ranges.count)
        let layouts = ranges.map { layout(examples: $0.count) }
        Lanes.run(ranges.count) { lane in
            let w = lanes[lane], first = ranges[lane].lowerBound
            transformInput(x + first * g.input.features, examples: ranges[lane].count, into: w)
            transformOutputGradient(dy + first * g.outputChannels * g.plane, examples: ranges[lane].count, into: w)
        }
        // Raw pointers: the lanes read every lane's buffers at once (see `LaneSums`).
        let du = lanes[0].kernelGradients.pointer
        let tiles = lanes.map {
            (products: UnsafePointer($0.products.pointer), inputs: UnsafePointer($0.inputTiles.pointer))
        }
        tiles.withUnsafeBufferPointer { tiles in
            Lanes.run(ranges.count) { lane in
                let outputs = g.outputChannels * lane / ranges.count..<g.outputChannels * (lane + 1) / ranges.count
                guard !outputs.isEmpty else { return }
                for xi in 0..<positions {
                    for (source, layout) in layouts.enumerated() {
                        let rows = tiles[source].products + xi * layout.outputStride + outputs.lowerBound * layout.tiles
                        BLAS.gemm(transposeB: true, m: outputs.count, n: g.inputChannels, k: layout.tiles,
                                  a: rows, lda: layout.tiles,
                                  b: tiles[source].inputs + xi * layout.inputStride, ldb: layout.tiles,
                                  beta: source == 0 ? 0 : 1,
                                  c: du + xi * pair + outputs.lowerBound * g.inputChannels, ldc: g.inputChannels)
                    }
                }
            }
        }
        if let dx {
            Lanes.run(ranges.count) { lane in
                let first = ranges[lane].lowerBound
                inputGradient(of: lanes[lane], layouts[lane], into: dx + first * g.input.features,
                              examples: ranges[lane].count)
            }
        }
        transformKernelGradients([UnsafePointer(du)], into: dW)
    }

    /// ∂V = Uᵀ ∂M for one chunk, over V (which it no longer needs), then ∂x.
    private func inputGradient(of w: WinogradWorkspace, _ chunk: ChunkLayout, into dx: UnsafeMutablePointer<Float>,
                               examples: Int) {
        let g = geometry
        let pair = g.outputChannels * g.inputChannels
        for xi in 0..<positions {
            BLAS.gemm(transposeA: true, m: g.inputChannels, n: chunk.tiles, k: g.outputChannels,
                      a: kernels.pointer + xi * pair, lda: g.inputChannels,
                      b: w.products.pointer + xi * chunk.outputStride, ldb: chunk.tiles,
                      c: w.inputTiles.pointer + xi * chunk.inputStride, ldc: chunk.tiles)
        }
        transformInputGradient(from: w, into: dx, examples: examples)
    }

    /// ∂g = Gᵀ ∂U G from the sum of the lanes' ∂U, taken in lane order.
    private func transformKernelGradients(_ lanes: [UnsafePointer<Float>], into dW: UnsafeMutablePointer<Float>) {
        lanes.withUnsafeBufferPointer { lanes in
            let sums = LaneSums(lanes: lanes)
            forEachPairBlock { pairs in
                if outputTile == 4 {
                    transformKernelGradients4(sums, into: dW, pairs: pairs)
                } else {
                    transformKernelGradients(sums, into: dW, pairs: pairs)
                }
            }
        }
    }

    /// Runs `body` for this trial's lanes at once, each with a share of the kernel
    /// pairs in whole blocks of eight (the transforms' vectors), the last block
    /// holding what is left. A pair's transform is its own, so the results do not
    /// depend on the split.
    private func forEachPairBlock(_ body: (Range<Int>) -> Void) {
        let pairs = geometry.outputChannels * geometry.inputChannels
        Lanes.split((pairs + 7) / 8) { blocks in
            body(8 * blocks.lowerBound..<min(pairs, 8 * blocks.upperBound))
        }
    }

    package func weightsFrozen(_ frozen: Bool) {
        self.frozen = frozen
        kernelsOfFrozenWeights = false
    }

    // MARK: Kernel transforms

    /// U = G g Gᵀ for the (out, in) pairs in `range`, stored by tile position. Eight pairs at
    /// a time, one vector lane each, so that each of the 16 planes of U is written
    /// eight floats at a time: pair by pair, the 16 scattered stores took 16% of a
    /// VGG-19 step, whose 512×512 layers have 262,144 pairs.
    private func transformKernels(_ weight: UnsafePointer<Float>, pairs range: Range<Int>) {
        let pairs = geometry.outputChannels * geometry.inputChannels
        let u = kernels.pointer
        var pair = range.lowerBound
        while pair + 8 <= range.upperBound {
            let g = weight + pair * 9
            // Tap j of the eight kernels.
            func tap(_ j: Int) -> SIMD8<Float> {
                SIMD8(g[j], g[9 + j], g[18 + j], g[27 + j], g[36 + j], g[45 + j], g[54 + j], g[63 + j])
            }
            let a = (tap(0), tap(1), tap(2)), b = (tap(3), tap(4), tap(5)), c = (tap(6), tap(7), tap(8))
            // G g, column by column, then (G g) Gᵀ row by row, as below.
            storeKernelRows(a.0, a.1, a.2, into: u + pair, row: 0, pairs: pairs)
            storeKernelRows(0.5 * (a.0 + b.0 + c.0), 0.5 * (a.1 + b.1 + c.1), 0.5 * (a.2 + b.2 + c.2),
                            into: u + pair, row: 1, pairs: pairs)
            storeKernelRows(0.5 * (a.0 - b.0 + c.0), 0.5 * (a.1 - b.1 + c.1), 0.5 * (a.2 - b.2 + c.2),
                            into: u + pair, row: 2, pairs: pairs)
            storeKernelRows(c.0, c.1, c.2, into: u + pair, row: 3, pairs: pairs)
            pair += 8
        }
        while pair < range.upperBound {
            let g = weight + pair * 9
            // G g, column by column: each column (a, b, c) becomes (a, ½(a+b+c), ½(a−b+c), c).
            let a = SIMD3(g[0], g[1], g[2]), b = SIMD3(g[3], g[4], g[5]), c = SIMD3(g[6], g[7], g[8])
            let rows = (a, 0.5 * (a + b + c), 0.5 * (a - b + c), c)
            // (G g) Gᵀ, row by row.
            storeKernelRow(rows.0, into: u, row: 0, pair: pair, pairs: pairs)
            storeKernelRow(rows.1, into: u, row: 1, pair: pair, pairs: pairs)
            storeKernelRow(rows.2, into: u, row: 2, pair: pair, pairs: pairs)
            storeKernelRow(rows.3, into: u, row: 3, pair: pair, pairs: pairs)
            pair += 1
        }
    }

    /// `storeKernelRow` for eight pairs, `u` pointing at the first of them.
    @inline(__always)
    private func storeKernelRows(_ t0: SIMD8<Float>, _ t1: SIMD8<Float>, _ t2: SIMD8<Float>,
                                 into u: UnsafeMutablePointer<Float>, row: Int, pairs: Int) {
        func store(_ value: SIMD8<Float>, _ plane: Int) {
            UnsafeMutableRawPointer(u + plane * pairs).storeBytes(of: value, as: SIMD8<Float>.self)
        }
        store(t0, 4 * row)
        store(0.5 * (t0 + t1 + t2), 4 * row + 1)
        store(0.5 * (t0 - t1 + t2), 4 * row + 2)
        store(t2, 4 * row + 3)
    }

    @inline(__always)
    private func storeKernelRow(_ t: SIMD3<Float>, into u: UnsafeMutablePointer<Float>, row: Int, pair: Int, pairs: Int) {
        u[(4 * row + 0) * pairs + pair] = t[0]
        u[(4 * row + 1) * pairs + pair] = 0.5 * (t[0] + t[1] + t[2])
        u[(4 * row + 2) * pairs + pair] = 0.5 * (t[0] - t[1] + t[2])
        u[(4 * row + 3) * pairs + pair] = t[2]
    }

    /// ∂g = Gᵀ ∂U G for the (out, in) pairs in `range`, eight pairs at a time (see
    /// `transformKernels`), ∂U being the sum of the lanes'.
    private func transformKernelGradients(_ du: LaneSums, into dW: UnsafeMutablePointer<Float>, pairs range: Range<Int>) {
        let pairs = geometry.outputChannels * geometry.inputChannels
        var pair = range.lowerBound
        while pair + 8 <= range.upperBound {
            func load(_ plane: Int) -> SIMD8<Float> { du.load(at: plane * pairs + pair) }
            // ∂U G, row by row: (u0 + ½(u1+u2), ½(u1−u2), ½(u1+u2) + u3).
            func row(_ r: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
                let u0 = load(4 * r), u1 = load(4 * r + 1), u2 = load(4 * r + 2), u3 = load(4 * r + 3)
                return (u0 + 0.5 * (u1 + u2), 0.5 * (u1 - u2), 0.5 * (u1 + u2) + u3)
            }
            let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3)
            // Gᵀ (∂U G): the same combination of the rows, column by column.
            let t0 = r0.0 + 0.5 * (r1.0 + r2.0), t1 = r0.1 + 0.5 * (r1.1 + r2.1), t2 = r0.2 + 0.5 * (r1.2 + r2.2)
            let t3 = 0.5 * (r1.0 - r2.0), t4 = 0.5 * (r1.1 - r2.1), t5 = 0.5 * (r1.2 - r2.2)
            let t6 = 0.5 * (r1.0 + r2.0) + r3.0, t7 = 0.5 * (r1.1 + r2.1) + r3.1, t8 = 0.5 * (r1.2 + r2.2) + r3.2
            var g = dW + pair * 9
            for lane in 0..<8 {
                g[0] = t0[lane]; g[1] = t1[lane]; g[2] = t2[lane]
                g[3] = t3[lane]; g[4] = t4[lane]; g[5] = t5[lane]
                g[6] = t6[lane]; g[7] = t7[lane]; g[8] = t8[lane]
                g += 9
            }
            pair += 8
        }
        while pair < range.upperBound {
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
            pair += 1
        }
    }

    /// U = G g Gᵀ of F(4×4, 3×3) for the pairs in `range`, eight at a time as in
    /// `transformKernels`.
    private func transformKernels4(_ weight: UnsafePointer<Float>, pairs range: Range<Int>) {
        var pair = range.lowerBound
        while pair + 8 <= range.upperBound {
            transformKernels4(weight, pair: pair, SIMD8<Float>.self)
            pair += 8
        }
        while pair < range.upperBound {
            transformKernels4(weight, pair: pair, Float.self)
            pair += 1
        }
    }

    /// U of `V.scalarCount` pairs from `pair` on, one per vector lane.
    @inline(__always)
    private func transformKernels4<V: TileVector>(_ weight: UnsafePointer<Float>, pair: Int, _: V.Type) {
        let pairs = geometry.outputChannels * geometry.inputChannels
        let g = weight + pair * 9
        func tap(_ j: Int) -> V { V.gather(g + j, stride: 9) }
        // G g, column by column: cj is column j.
        let c0 = WinogradF4.kernel(tap(0), tap(3), tap(6))
        let c1 = WinogradF4.kernel(tap(1), tap(4), tap(7))
        let c2 = WinogradF4.kernel(tap(2), tap(5), tap(8))
        // (G g) Gᵀ: row i of G g, transformed, into planes 6i … 6i + 5.
        let u = kernels.pointer + pair
        func store(_ i: Int, _ row: WinogradF4.Six<V>) { WinogradF4.store(row, u + 6 * i * pairs, stride: pairs) }
        store(0, WinogradF4.kernel(c0.0, c1.0, c2.0))
        store(1, WinogradF4.kernel(c0.1, c1.1, c2.1))
        store(2, WinogradF4.kernel(c0.2, c1.2, c2.2))
        store(3, WinogradF4.kernel(c0.3, c1.3, c2.3))
        store(4, WinogradF4.kernel(c0.4, c1.4, c2.4))
        store(5, WinogradF4.kernel(c0.5, c1.5, c2.5))
    }

    /// ∂g = Gᵀ ∂U G of F(4×4, 3×3) for the pairs in `range`, eight at a time.
    private func transformKernelGradients4(_ du: LaneSums, into dW: UnsafeMutablePointer<Float>, pairs range: Range<Int>) {
        var pair = range.lowerBound
        while pair + 8 <= range.upperBound {
            transformKernelGradients4(du, into: dW, pair: pair, SIMD8<Float>.self)
            pair += 8
        }
        while pair < range.upperBound {
            transformKernelGradients4(du, into: dW, pair: pair, Float.self)
            pair += 1
        }
    }

    @inline(__always)
    private func transformKernelGradients4<V: TileVector>(_ du: LaneSums, into dW: UnsafeMutablePointer<Float>,
                                                          pair: Int, _: V.Type) {
        let pairs = geometry.outputChannels * geometry.inputChannels
        // ∂U G, row by row: ri is row i's three values.
        func row(_ i: Int) -> (V, V, V) {
            func plane(_ j: Int) -> V { du.load(at: (6 * i + j) * pairs + pair) }
            return WinogradF4.kernelGradient(plane(0), plane(1), plane(2), plane(3), plane(4), plane(5))
        }
        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3), r4 = row(4), r5 = row(5)
        // Gᵀ (∂U G), column by column: column j's three values are taps j, 3 + j, 6 + j.
        let g = dW + pair * 9
        func store(_ j: Int, _ column: (V, V, V)) {
            column.0.scatter(g + j, stride: 9)
            column.1.scatter(g + 3 + j, stride: 9)
            column.2.scatter(g + 6 + j, stride: 9)
        }
        store(0, WinogradF4.kernelGradient(r0.0, r1.0, r2.0, r3.0, r4.0, r5.0))
        store(1, WinogradF4.kernelGradient(r0.1, r1.1, r2.1, r3.1, r4.1, r5.1))
        store(2, WinogradF4.kernelGradient(r0.2, r1.2, r2.2, r3.2, r4.2, r5.2))
    }

    @inline(__always)
    private func kernelGradientRow(_ du: LaneSums, row: Int, pair: Int, pairs: Int) -> SIMD3<Float> {
        func load(_ plane: Int) -> Float { du.load(at: plane * pairs + pair) }
        let u0 = load(4 * row), u1 = load(4 * row + 1), u2 = load(4 * row + 2), u3 = load(4 * row + 3)
        return SIMD3(u0 + 0.5 * (u1 + u2), 0.5 * (u1 - u2), 0.5 * (u1 + u2) + u3)
    }
}

/// The lanes' ∂U read as one: each value the sum of theirs, added in lane order.
///
/// The lanes are a buffer, not an array: every lane reads through them at once, and
/// an array's slice took a reference at every read, so the array's reference count
/// went back and forth between the cores (a fifth of VGG-19's 2-thread training step
/// went to `swift_retain` and `swift_release`).
private struct LaneSums {
    let lanes: UnsafeBufferPointer<UnsafePointer<Float>>

    @inline(__always)
    func load<V: TileVector>(at index: Int) -> V {
        var sum = V.load(lanes[0] + index)
        for lane in 1..<lanes.count { sum = sum + V.load(lanes[lane] + index) }
        return sum
    }
}

/// The buffers one lane of a Winograd convolution works in.
final class WinogradWorkspace {
    /// Transformed input tiles V (and, in the backward pass, ∂V), `positions × in × tiles`.
    let inputTiles: FloatBuffer
    /// Products M (and, in the backward pass, ∂M), `positions × out × tiles`.
    let products: FloatBuffer
    /// One example's channels with a zero border: the tiles read it without bounds checks.
    let padded: FloatBuffer
    /// Rows of partial transforms for one row of tiles.
    let scratch: FloatBuffer
    /// ∂U of this lane's examples, `positions × out × in`.
    let kernelGradients: FloatBuffer

    init(kernel: WinogradConvolution) {
        let g = kernel.geometry
        let tiles = kernel.chunk * kernel.tilesPerExample
        let positions = kernel.positions
        inputTiles = FloatBuffer(count: positions * WinogradConvolution.planeStride(rows: g.inputChannels, tiles: tiles))
        products = FloatBuffer(count: positions * WinogradConvolution.planeStride(rows: g.outputChannels, tiles: tiles))
        padded = FloatBuffer(count: g.inputChannels * kernel.paddedHeight * kernel.paddedWidth)
        scratch = FloatBuffer(count: positions * kernel.phaseLength + 4 * kernel.paddedWidth)
        kernelGradients = FloatBuffer(count: positions * g.outputChannels * g.inputChannels)
    }
}
