/// The tile transforms of F(2×2, 3×3), one row of tiles at a time (F(4×4, 3×3)'s
/// are in WinogradConvolution+Tiles4.swift). Within a row of tiles, tile
/// position ξ of consecutive tiles is consecutive in plane ξ, so each transform
/// computes several neighbouring tiles at once in explicit vectors (`TileRow`):
/// the compiler would not vectorize 16 loads and 16 stores through pointers it
/// cannot prove apart.
///
/// A tile's 4×4 input window starts at an even column, so the image rows a
/// transform reads or writes are kept as their even columns followed by their odd
/// ones (`padSplit`, `deinterleave`): a tile's four columns are then four
/// contiguous streams along the row of tiles. So written, the transforms ran 1.3–3×
/// faster than loops over interleaved rows (docs/BENCHMARKS.md), with bit for bit
/// the same results.
extension WinogradConvolution {
    /// V = Bᵀ d B for every tile of `examples` examples.
    func transformInput(_ x: UnsafePointer<Float>, examples: Int, into w: WinogradWorkspace) {
        let g = geometry
        let tiles = examples * tilesPerExample
        let planeStride = Self.planeStride(rows: g.inputChannels, tiles: tiles)
        let ph = paddedHeight, pw = paddedWidth, phase = phaseLength
        for example in 0..<examples {
            padSplit(x + example * g.input.features, into: w.padded)
            for c in 0..<g.inputChannels {
                let plane = UnsafePointer(w.padded.pointer + c * ph * pw)
                for ty in 0..<tilesY {
                    // The tile row's first padded row.
                    let row = plane + outputTile * ty * pw
                    let v = w.inputTiles.pointer + c * tiles + example * tilesPerExample + ty * tilesX
                    if outputTile == 4 {
                        InputTiles4(row: row, rowStride: pw, phase: phase, v: v, planeStride: planeStride).sweep(tilesX)
                    } else {
                        InputTiles(even: (row, row + pw, row + 2 * pw, row + 3 * pw),
                                   odd: (row + phase, row + pw + phase, row + 2 * pw + phase, row + 3 * pw + phase),
                                   v: v, planeStride: planeStride).sweep(tilesX)
                    }
                }
            }
        }
    }

    /// y = Aᵀ M A for every tile, keeping the outputs that fall inside the image.
    func transformOutput(from w: WinogradWorkspace, into y: UnsafeMutablePointer<Float>, examples: Int) {
        let g = geometry
        let tiles = examples * tilesPerExample
        let planeStride = Self.planeStride(rows: g.outputChannels, tiles: tiles)
        for example in 0..<examples {
            for k in 0..<g.outputChannels {
                let image = y + (example * g.outputChannels + k) * g.plane
                for ty in 0..<tilesY {
                    let m = UnsafePointer(w.products.pointer + k * tiles + example * tilesPerExample + ty * tilesX)
                    if outputTile == 4 {
                        outputRow4(m, planeStride: planeStride, scratch: w.scratch.pointer, into: image, ty: ty)
                    } else {
                        outputRow2(m, planeStride: planeStride, scratch: w.scratch.pointer, into: image, ty: ty)
                    }
                }
            }
        }
    }

    /// ∂M = A ∂y Aᵀ for every tile (∂y is 0 outside the image).
    func transformOutputGradient(_ dy: UnsafePointer<Float>, examples: Int, into w: WinogradWorkspace) {
        let g = geometry
        let tiles = examples * tilesPerExample
        let planeStride = Self.planeStride(rows: g.outputChannels, tiles: tiles)
        for example in 0..<examples {
            for k in 0..<g.outputChannels {
                let image = dy + (example * g.outputChannels + k) * g.plane
                for ty in 0..<tilesY {
                    let m = w.products.pointer + k * tiles + example * tilesPerExample + ty * tilesX
                    if outputTile == 4 {
                        outputGradientRow4(image, ty: ty, scratch: w.scratch.pointer, into: m, planeStride: planeStride)
                    } else {
                        outputGradientRow2(image, ty: ty, scratch: w.scratch.pointer, into: m, planeStride: planeStride)
                    }
                }
            }
        }
    }

    /// ∂d = B ∂V Bᵀ for every tile, summed onto the input pixels (neighbouring
    /// tiles overlap by two rows and two columns).
    func transformInputGradient(from w: WinogradWorkspace, into dx: UnsafeMutablePointer<Float>, examples: Int) {
        let g = geometry
        let tiles = examples * tilesPerExample
        let planeStride = Self.planeStride(rows: g.inputChannels, tiles: tiles)
        let ph = paddedHeight, pw = paddedWidth
        for example in 0..<examples {
            w.padded.fill(0)
            for c in 0..<g.inputChannels {
                let plane = w.padded.pointer + c * ph * pw
                for ty in 0..<tilesY {
                    let v = UnsafePointer(w.inputTiles.pointer + c * tiles + example * tilesPerExample + ty * tilesX)
                    if outputTile == 4 {
                        inputGradientRow4(v, planeStride: planeStride, scratch: w.scratch.pointer, onto: plane, ty: ty)
                    } else {
                        inputGradientRow2(v, planeStride: planeStride, scratch: w.scratch.pointer, onto: plane, ty: ty)
                    }
                }
            }
            unpadSplit(w.padded, into: dx + example * g.input.features)
        }
    }

    /// One row of tiles of y = Aᵀ M A into image rows 2ty and 2ty + 1 (when inside).
    private func outputRow2(_ m: UnsafePointer<Float>, planeStride: Int, scratch rows: UnsafeMutablePointer<Float>,
                            into image: UnsafeMutablePointer<Float>, ty: Int) {
        let g = geometry, n = tilesX
        // The two output rows, each as its even then its odd columns.
        OutputTiles(m: m, planeStride: planeStride, rows: (rows, rows + n, rows + 2 * n, rows + 3 * n)).sweep(n)
        let oy = 2 * ty
        interleave(rows, rows + n, into: image + oy * g.width, count: g.width)
        if oy + 1 < g.height {
            interleave(rows + 2 * n, rows + 3 * n, into: image + (oy + 1) * g.width, count: g.width)
        }
    }

    /// One row of tiles of ∂M = A ∂y Aᵀ, from image rows 2ty and 2ty + 1 (0 past the image).
    private func outputGradientRow2(_ image: UnsafePointer<Float>, ty: Int, scratch rows: UnsafeMutablePointer<Float>,
                                    into m: UnsafeMutablePointer<Float>, planeStride: Int) {
        let g = geometry, n = tilesX
        // The two gradient rows, each as its even then its odd columns.
        let oy = 2 * ty
        deinterleave(image + oy * g.width, count: g.width, into: rows, rows + n)
        if oy + 1 < g.height {
            deinterleave(image + (oy + 1) * g.width, count: g.width, into: rows + 2 * n, rows + 3 * n)
        } else {
            (rows + 2 * n).update(repeating: 0, count: 2 * n)
        }
        OutputGradientTiles(rows: (rows, rows + n, rows + 2 * n, rows + 3 * n), m: m, planeStride: planeStride).sweep(n)
    }

    /// One row of tiles of ∂d = B ∂V Bᵀ, added onto the padded rows 2ty … 2ty + 3 of `plane`.
    private func inputGradientRow2(_ v: UnsafePointer<Float>, planeStride: Int, scratch q: UnsafeMutablePointer<Float>,
                                   onto plane: UnsafeMutablePointer<Float>, ty: Int) {
        let pw = paddedWidth, n = tilesX, half = phaseLength
        // Per tile row r and column offset o: q[(4r + o)·n + tx].
        InputGradientTiles(v: v, planeStride: planeStride, q: q, n: n).sweep(n)
        // Even columns take offset 0 of their tile and offset 2 of the one before;
        // odd columns offsets 1 and 3.
        for r in 0..<4 {
            let even = plane + (2 * ty + r) * pw
            let q0 = q + (4 * r) * n
            addOverlapping(into: even, even + half, own: (q0, q0 + n), previous: (q0 + 2 * n, q0 + 3 * n))
        }
    }

    /// Adds a row of a tile row's ∂d onto phases 0 and 1 of a padded row (`p0`, `p1`,
    /// `tilesX + 1` long), where neighbouring tiles overlap: column m·tx + o takes
    /// offset o of tile tx (`own`) and offset m + o of tile tx − 1 (`previous`), o = 0, 1.
    func addOverlapping(into p0: UnsafeMutablePointer<Float>, _ p1: UnsafeMutablePointer<Float>,
                        own: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
                        previous: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)) {
        let n = tilesX
        p0[0] += own.0[0]
        p1[0] += own.1[0]
        OverlappingColumns(even: p0 + 1, odd: p1 + 1,
                           q: (UnsafePointer(own.0 + 1), UnsafePointer(own.1 + 1), UnsafePointer(previous.0),
                               UnsafePointer(previous.1))).sweep(n - 1)
        p0[n] += previous.0[n - 1]
        p1[n] += previous.1[n - 1]
    }

    /// Copies one example into `padded` with a border of zeros (one pixel above and
    /// to the left, what the last row and column of tiles need below and to the
    /// right), each padded row stored as its phases (`paddedWidth`): padded column p
    /// is the example's column p − 1.
    func padSplit(_ x: UnsafePointer<Float>, into padded: FloatBuffer) {
        let g = geometry
        let ph = paddedHeight, pw = paddedWidth, phase = phaseLength
        // One fill for the border: per row, three small fills cost more than the rows'
        // copies for 8×8 planes.
        padded.pointer.update(repeating: 0, count: g.inputChannels * ph * pw)
        for c in 0..<g.inputChannels {
            let plane = padded.pointer + c * ph * pw
            let source = x + c * g.plane
            for row in 0..<g.height {
                let p0 = plane + (row + 1) * pw
                // Padded columns 1, 2, 3, … are the row's 0, 1, 2, …: phase 1 first.
                if outputTile == 2 {
                    deinterleave(source + row * g.width, count: g.width, into: p0 + phase, p0 + 1)
                } else {
                    deinterleave4(source + row * g.width, count: g.width,
                                  into: (p0 + phase, p0 + 2 * phase, p0 + 3 * phase, p0 + 1))
                }
            }
        }
    }

    /// The inside of `padded` (laid out as by `padSplit`) back to an example's layout.
    func unpadSplit(_ padded: FloatBuffer, into dx: UnsafeMutablePointer<Float>) {
        let g = geometry
        let ph = paddedHeight, pw = paddedWidth, phase = phaseLength
        for c in 0..<g.inputChannels {
            let plane = padded.pointer + c * ph * pw
            for row in 0..<g.height {
                let p0 = plane + (row + 1) * pw
                if outputTile == 2 {
                    interleave(p0 + phase, p0 + 1, into: dx + c * g.plane + row * g.width, count: g.width)
                } else {
                    interleave4((p0 + phase, p0 + 2 * phase, p0 + 3 * phase, p0 + 1),
                                into: dx + c * g.plane + row * g.width, count: g.width)
                }
            }
        }
    }

    /// `count` values alternately from `even` and `odd`, starting with `even`.
    private func interleave(_ even: UnsafePointer<Float>, _ odd: UnsafePointer<Float>,
                            into row: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while 2 * k + 16 <= count {
            var pairs = SIMD16<Float>()
            pairs.evenHalf = SIMD8<Float>.load(even + k)
            pairs.oddHalf = SIMD8<Float>.load(odd + k)
            UnsafeMutableRawPointer(row + 2 * k).storeBytes(of: pairs, as: SIMD16<Float>.self)
            k += 8
        }
        while 2 * k + 1 < count {
            row[2 * k] = even[k]
            row[2 * k + 1] = odd[k]
            k += 1
        }
        if count % 2 == 1 { row[count - 1] = even[count / 2] }
    }

    /// The even-indexed of `count` values to `even`, the odd-indexed to `odd`; when
    /// `count` is odd, `odd` gets a 0 to match.
    private func deinterleave(_ row: UnsafePointer<Float>, count: Int,
                              into even: UnsafeMutablePointer<Float>, _ odd: UnsafeMutablePointer<Float>) {
        var k = 0
        while 2 * k + 16 <= count {
            let pairs = UnsafeRawPointer(row + 2 * k).loadUnaligned(as: SIMD16<Float>.self)
            pairs.evenHalf.store(even + k)
            pairs.oddHalf.store(odd + k)
            k += 8
        }
        while 2 * k + 1 < count {
            even[k] = row[2 * k]
            odd[k] = row[2 * k + 1]
            k += 1
        }
        if count % 2 == 1 {
            even[count / 2] = row[count - 1]
            odd[count / 2] = 0
        }
    }
}

// MARK: - Vectors of tiles

/// What the tile transforms compute with: a float, or a vector of the floats of
/// neighbouring tiles (or, in the kernel transforms, of neighbouring kernel pairs).
protocol TileVector {
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Float, b: Self) -> Self
    /// The floats at p, p + stride, p + 2·stride, …
    static func gather(_ p: UnsafePointer<Float>, stride: Int) -> Self
    /// Stores the floats at p, p + stride, p + 2·stride, …
    func scatter(_ p: UnsafeMutablePointer<Float>, stride: Int)
    /// −a with its sign bit flipped, as a float's `-` does (a vector's `-` is 0 − a,
    /// which makes −(+0) +0: the vector and scalar paths would disagree on zeros).
    var negated: Self { get }
}

extension Float: TileVector {
    var negated: Float { -self }
    static func gather(_ p: UnsafePointer<Float>, stride: Int) -> Float { p[0] }
    func scatter(_ p: UnsafeMutablePointer<Float>, stride: Int) { p[0] = self }
}

extension SIMD2<Float>: TileVector {
    var negated: Self { unsafeBitCast(unsafeBitCast(self, to: SIMD2<UInt32>.self) ^ 0x8000_0000, to: Self.self) }
    static func gather(_ p: UnsafePointer<Float>, stride: Int) -> Self { Self(p[0], p[stride]) }
    func scatter(_ p: UnsafeMutablePointer<Float>, stride: Int) {
        p[0] = self[0]
        p[stride] = self[1]
    }
}

extension SIMD4<Float>: TileVector {
    var negated: Self { unsafeBitCast(unsafeBitCast(self, to: SIMD4<UInt32>.self) ^ 0x8000_0000, to: Self.self) }
    static func gather(_ p: UnsafePointer<Float>, stride: Int) -> Self {
        Self(p[0], p[stride], p[2 * stride], p[3 * stride])
    }
    func scatter(_ p: UnsafeMutablePointer<Float>, stride: Int) {
        for lane in 0..<4 { p[lane * stride] = self[lane] }
    }
}

extension SIMD8<Float>: TileVector {
    var negated: Self { unsafeBitCast(unsafeBitCast(self, to: SIMD8<UInt32>.self) ^ 0x8000_0000, to: Self.self) }
    static func gather(_ p: UnsafePointer<Float>, stride: Int) -> Self {
        Self(p[0], p[stride], p[2 * stride], p[3 * stride], p[4 * stride], p[5 * stride], p[6 * stride], p[7 * stride])
    }
    func scatter(_ p: UnsafeMutablePointer<Float>, stride: Int) {
        for lane in 0..<8 { p[lane * stride] = self[lane] }
    }
}

extension TileVector {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Self { UnsafeRawPointer(p).loadUnaligned(as: Self.self) }

    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self) }
}

/// One transform's work on the tiles of a row, `V.scalarCount` tiles from `tx` on.
///
/// The transforms' `callAsFunction` is `@inline(never)`: inlined into `sweep`'s loop,
/// every one of a tile's 16 or 36 plane addresses became a pointer of its own,
/// stepped at every iteration and kept on the stack for want of registers. Called,
/// it computes them afresh from a few registers: ResNet-18 trained 1.14× faster.
protocol TileRow {
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int)
}

extension TileRow {
    /// Covers tiles 0 ..< n: eight at a time, then four, then two, then one. Rows of
    /// two or three tiles are common: F(4×4) on 8×8 planes, F(2×2) on 4×4 and 6×6.
    @inline(__always)
    func sweep(_ n: Int) {
        var tx = 0
        while tx + 8 <= n {
            self(SIMD8<Float>.self, at: tx)
            tx += 8
        }
        if tx + 4 <= n {
            self(SIMD4<Float>.self, at: tx)
            tx += 4
        }
        if tx + 2 <= n {
            self(SIMD2<Float>.self, at: tx)
            tx += 2
        }
        if tx < n { self(Float.self, at: tx) }
    }
}

/// V = Bᵀ d B: four image rows, each as even and odd columns, into 16 planes.
private struct InputTiles: TileRow {
    typealias Rows = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)
    let even: Rows
    let odd: Rows
    let v: UnsafeMutablePointer<Float>
    let planeStride: Int

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        // The tile's four columns, a b c d, in rows 0 … 3.
        func columns(_ e: UnsafePointer<Float>, _ o: UnsafePointer<Float>) -> (V, V, V, V) {
            (V.load(e + tx), V.load(o + tx), V.load(e + tx + 1), V.load(o + tx + 1))
        }
        let d0 = columns(even.0, odd.0), d1 = columns(even.1, odd.1)
        let d2 = columns(even.2, odd.2), d3 = columns(even.3, odd.3)
        // Row i of Bᵀ d is (p, q, r, s), from (d0 − d2, d1 + d2, d2 − d1, d1 − d3) down each
        // column; (Bᵀ d) B makes it (p − r, q + r, r − q, q − s) in planes 4i … 4i + 3.
        func store(_ i: Int, _ p: V, _ q: V, _ r: V, _ s: V) {
            let plane = v + 4 * i * planeStride + tx
            (p - r).store(plane)
            (q + r).store(plane + planeStride)
            (r - q).store(plane + 2 * planeStride)
            (q - s).store(plane + 3 * planeStride)
        }
        store(0, d0.0 - d2.0, d0.1 - d2.1, d0.2 - d2.2, d0.3 - d2.3)
        store(1, d1.0 + d2.0, d1.1 + d2.1, d1.2 + d2.2, d1.3 + d2.3)
        store(2, d2.0 - d1.0, d2.1 - d1.1, d2.2 - d1.2, d2.3 - d1.3)
        store(3, d1.0 - d3.0, d1.1 - d3.1, d1.2 - d3.2, d1.3 - d3.3)
    }
}

/// y = Aᵀ M A: 16 planes into a tile's 2×2 outputs, as two rows of even and odd columns.
private struct OutputTiles: TileRow {
    let m: UnsafePointer<Float>
    let planeStride: Int
    /// Row 0's even and odd columns, then row 1's.
    let rows: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
               UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        func plane(_ xi: Int) -> V { V.load(m + xi * planeStride + tx) }
        // Aᵀ M: rows (M0 + M1 + M2, M1 − M2 − M3) of the tile, column j = 0 … 3.
        let a00 = plane(0) + plane(4) + plane(8), a01 = plane(1) + plane(5) + plane(9)
        let a02 = plane(2) + plane(6) + plane(10), a03 = plane(3) + plane(7) + plane(11)
        let a10 = plane(4) - plane(8) - plane(12), a11 = plane(5) - plane(9) - plane(13)
        let a12 = plane(6) - plane(10) - plane(14), a13 = plane(7) - plane(11) - plane(15)
        // · A: the same combination along each row.
        (a00 + a01 + a02).store(rows.0 + tx)
        (a01 - a02 - a03).store(rows.1 + tx)
        (a10 + a11 + a12).store(rows.2 + tx)
        (a11 - a12 - a13).store(rows.3 + tx)
    }
}

/// ∂M = A ∂y Aᵀ: a tile's 2×2 output gradients, as two rows of even and odd
/// columns, into 16 planes.
private struct OutputGradientTiles: TileRow {
    let rows: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
               UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
    let m: UnsafeMutablePointer<Float>
    let planeStride: Int

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        let y00 = V.load(rows.0 + tx), y01 = V.load(rows.1 + tx)
        let y10 = V.load(rows.2 + tx), y11 = V.load(rows.3 + tx)
        // A ∂y: column j becomes (y0j, y0j + y1j, y0j − y1j, −y1j) down the tile.
        let a = (y00, y00 + y10, y00 - y10, y10.negated)
        let b = (y01, y01 + y11, y01 - y11, y11.negated)
        // (A ∂y) Aᵀ: row i is (aᵢ, aᵢ + bᵢ, aᵢ − bᵢ, −bᵢ).
        func store(_ i: Int, _ a: V, _ b: V) {
            let plane = m + 4 * i * planeStride + tx
            a.store(plane)
            (a + b).store(plane + planeStride)
            (a - b).store(plane + 2 * planeStride)
            b.negated.store(plane + 3 * planeStride)
        }
        store(0, a.0, b.0)
        store(1, a.1, b.1)
        store(2, a.2, b.2)
        store(3, a.3, b.3)
    }
}

/// B ∂V Bᵀ: 16 planes of ∂V into the tile's 4×4 input gradient, row r and column
/// offset o at q[(4r + o)·n + tx].
private struct InputGradientTiles: TileRow {
    let v: UnsafePointer<Float>
    let planeStride: Int
    let q: UnsafeMutablePointer<Float>
    let n: Int

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        // Row i of ∂V Bᵀ, column offsets 0 … 3: (v0, v1 − v2 + v3, v1 + v2 − v0, −v3).
        func row(_ i: Int) -> (V, V, V, V) {
            let base = v + 4 * i * planeStride + tx
            let v0 = V.load(base), v1 = V.load(base + planeStride)
            let v2 = V.load(base + 2 * planeStride), v3 = V.load(base + 3 * planeStride)
            return (v0, v1 - v2 + v3, v1 + v2 - v0, v3.negated)
        }
        let s0 = row(0), s1 = row(1), s2 = row(2), s3 = row(3)
        // B (∂V Bᵀ): result row r from rows (s0, s1, s2, s3): (s0, s1 − s2 + s3, s1 + s2 − s0, −s3).
        func store(_ o: Int, _ r0: V, _ r1: V, _ r2: V, _ r3: V) {
            r0.store(q + o * n + tx)
            (r1 - r2 + r3).store(q + (4 + o) * n + tx)
            (r1 + r2 - r0).store(q + (8 + o) * n + tx)
            r3.negated.store(q + (12 + o) * n + tx)
        }
        store(0, s0.0, s1.0, s2.0, s3.0)
        store(1, s0.1, s1.1, s2.1, s3.1)
        store(2, s0.2, s1.2, s2.2, s3.2)
        store(3, s0.3, s1.3, s2.3, s3.3)
    }
}

/// Columns m·tx and m·tx + 1 of a row of ∂d (phases 0 and 1 at tx, called even and
/// odd for m = 2), for tiles tx = 1 …: the sum of offsets 0 and 1 of tile tx and
/// offsets m and m + 1 of tile tx − 1, the two columns where neighbouring tiles
/// overlap (pointers advanced so that index 0 is the first such column).
struct OverlappingColumns: TileRow {
    let even: UnsafeMutablePointer<Float>
    let odd: UnsafeMutablePointer<Float>
    /// Offsets 0 and 1 of tile tx, offsets m and m + 1 of tile tx − 1.
    let q: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        (V.load(even + tx) + (V.load(q.0 + tx) + V.load(q.2 + tx))).store(even + tx)
        (V.load(odd + tx) + (V.load(q.1 + tx) + V.load(q.3 + tx))).store(odd + tx)
    }
}
