/// The tile transforms of F(4×4, 3×3), one row of tiles at a time, as those of
/// F(2×2, 3×3) (WinogradConvolution+Tiles.swift). Rows are kept as four phases,
/// columns by their remainder modulo 4, so that a tile's six columns are six
/// contiguous streams along the row of tiles: phases 0–3 at tile tx, then phases 0
/// and 1 at tx + 1.
extension WinogradConvolution {
    /// One row of tiles of y = Aᵀ M A into image rows 4ty … 4ty + 3 (those inside).
    func outputRow4(_ m: UnsafePointer<Float>, planeStride: Int, scratch rows: UnsafeMutablePointer<Float>,
                    into image: UnsafeMutablePointer<Float>, ty: Int) {
        let g = geometry, n = tilesX
        // The four output rows, each as four phases: row i's phase p at (4i + p)·n.
        OutputTiles4(m: m, planeStride: planeStride, rows: rows, n: n).sweep(n)
        for i in 0..<min(4, g.height - 4 * ty) {
            let row = rows + 4 * i * n
            interleave4((row, row + n, row + 2 * n, row + 3 * n), into: image + (4 * ty + i) * g.width, count: g.width)
        }
    }

    /// One row of tiles of ∂M = A ∂y Aᵀ, from image rows 4ty … 4ty + 3 (0 past the image).
    func outputGradientRow4(_ image: UnsafePointer<Float>, ty: Int, scratch rows: UnsafeMutablePointer<Float>,
                            into m: UnsafeMutablePointer<Float>, planeStride: Int) {
        let g = geometry, n = tilesX
        // As in `outputRow4`: row i's phase p at (4i + p)·n. Tiles that reach past the
        // image's last row or column read zeros there.
        if g.height % 4 != 0 || g.width % 4 != 0 { rows.update(repeating: 0, count: 16 * n) }
        for i in 0..<min(4, g.height - 4 * ty) {
            let row = rows + 4 * i * n
            deinterleave4(image + (4 * ty + i) * g.width, count: g.width, into: (row, row + n, row + 2 * n, row + 3 * n))
        }
        OutputGradientTiles4(rows: rows, n: n, m: m, planeStride: planeStride).sweep(n)
    }

    /// One row of tiles of ∂d = B ∂V Bᵀ, added onto the padded rows 4ty … 4ty + 5 of `plane`.
    func inputGradientRow4(_ v: UnsafePointer<Float>, planeStride: Int, scratch q: UnsafeMutablePointer<Float>,
                           onto plane: UnsafeMutablePointer<Float>, ty: Int) {
        let pw = paddedWidth, n = tilesX, phase = phaseLength
        // Per tile row r and column offset o: q[(6r + o)·n + tx].
        InputGradientTiles4(v: v, planeStride: planeStride, q: q, n: n).sweep(n)
        // Phases 0 and 1 take offsets 0 and 1 of their tile and offsets 4 and 5 of the
        // one before; phases 2 and 3 offsets 2 and 3 of their tile alone.
        for r in 0..<6 {
            let p0 = plane + (4 * ty + r) * pw, p1 = p0 + phase
            let q0 = q + 6 * r * n
            addOverlapping(into: p0, p1, own: (q0, q0 + n), previous: (q0 + 4 * n, q0 + 5 * n))
            OwnColumns(p2: p1 + phase, p3: p1 + 2 * phase, q2: q0 + 2 * n, q3: q0 + 3 * n).sweep(n)
        }
    }

    /// The values of `row` into four streams by their index modulo 4: value 4k + p to
    /// `streams.p[k]`.
    func deinterleave4(_ row: UnsafePointer<Float>, count: Int, into streams: Streams4) {
        var k = 0
        while 4 * k + 32 <= count {
            let low = UnsafeRawPointer(row + 4 * k).loadUnaligned(as: SIMD16<Float>.self)
            let high = UnsafeRawPointer(row + 4 * k + 16).loadUnaligned(as: SIMD16<Float>.self)
            // Values 0, 2, 4, … and 1, 3, 5, …; then every other one of those.
            let even = SIMD16(lowHalf: low.evenHalf, highHalf: high.evenHalf)
            let odd = SIMD16(lowHalf: low.oddHalf, highHalf: high.oddHalf)
            even.evenHalf.store(streams.0 + k)
            odd.evenHalf.store(streams.1 + k)
            even.oddHalf.store(streams.2 + k)
            odd.oddHalf.store(streams.3 + k)
            k += 8
        }
        while 4 * k + 16 <= count {
            let values = UnsafeRawPointer(row + 4 * k).loadUnaligned(as: SIMD16<Float>.self)
            values.evenHalf.evenHalf.store(streams.0 + k)
            values.oddHalf.evenHalf.store(streams.1 + k)
            values.evenHalf.oddHalf.store(streams.2 + k)
            values.oddHalf.oddHalf.store(streams.3 + k)
            k += 4
        }
        while 4 * k < count {
            let base = 4 * k
            streams.0[k] = row[base]
            if base + 1 < count { streams.1[k] = row[base + 1] }
            if base + 2 < count { streams.2[k] = row[base + 2] }
            if base + 3 < count { streams.3[k] = row[base + 3] }
            k += 1
        }
    }

    /// `count` values from four streams in turn, value 4k + p from `streams.p[k]`.
    func interleave4(_ streams: Streams4, into row: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while 4 * k + 32 <= count {
            var even = SIMD16<Float>(), odd = SIMD16<Float>()
            even.evenHalf = SIMD8<Float>.load(streams.0 + k)
            odd.evenHalf = SIMD8<Float>.load(streams.1 + k)
            even.oddHalf = SIMD8<Float>.load(streams.2 + k)
            odd.oddHalf = SIMD8<Float>.load(streams.3 + k)
            var low = SIMD16<Float>(), high = SIMD16<Float>()
            low.evenHalf = even.lowHalf
            low.oddHalf = odd.lowHalf
            high.evenHalf = even.highHalf
            high.oddHalf = odd.highHalf
            UnsafeMutableRawPointer(row + 4 * k).storeBytes(of: low, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(row + 4 * k + 16).storeBytes(of: high, as: SIMD16<Float>.self)
            k += 8
        }
        while 4 * k + 16 <= count {
            var even = SIMD8<Float>(), odd = SIMD8<Float>()
            even.evenHalf = SIMD4<Float>.load(streams.0 + k)
            odd.evenHalf = SIMD4<Float>.load(streams.1 + k)
            even.oddHalf = SIMD4<Float>.load(streams.2 + k)
            odd.oddHalf = SIMD4<Float>.load(streams.3 + k)
            var values = SIMD16<Float>()
            values.evenHalf = even
            values.oddHalf = odd
            UnsafeMutableRawPointer(row + 4 * k).storeBytes(of: values, as: SIMD16<Float>.self)
            k += 4
        }
        while 4 * k < count {
            let base = 4 * k
            row[base] = streams.0[k]
            if base + 1 < count { row[base + 1] = streams.1[k] }
            if base + 2 < count { row[base + 2] = streams.2[k] }
            if base + 3 < count { row[base + 3] = streams.3[k] }
            k += 1
        }
    }

    typealias Streams4 = (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                          UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
}

/// The one-dimensional maps of F(4×4, 3×3) (Lavin & Gray 2016); each two-dimensional
/// transform applies one down a tile's columns, then along its rows.
enum WinogradF4 {
    typealias Six<V> = (V, V, V, V, V, V)

    /// Stores six values at p, p + stride, …, p + 5·stride.
    @inline(__always)
    static func store<V: TileVector>(_ values: Six<V>, _ p: UnsafeMutablePointer<Float>, stride: Int) {
        values.0.store(p)
        values.1.store(p + stride)
        values.2.store(p + 2 * stride)
        values.3.store(p + 3 * stride)
        values.4.store(p + 4 * stride)
        values.5.store(p + 5 * stride)
    }

    /// Bᵀ: six inputs to six transformed values.
    @inline(__always)
    static func input<V: TileVector>(_ d0: V, _ d1: V, _ d2: V, _ d3: V, _ d4: V, _ d5: V) -> Six<V> {
        let a = d4 - 4 * d2, b = d3 - 4 * d1
        let c = d4 - d2, e = 2 * (d3 - d1)
        let first = 4 * d0 - 5 * d2 + d4, last = 4 * d1 - 5 * d3 + d5
        return (first, a + b, a - b, c + e, c - e, last)
    }

    /// Aᵀ: six products to four outputs.
    @inline(__always)
    static func output<V: TileVector>(_ m0: V, _ m1: V, _ m2: V, _ m3: V, _ m4: V, _ m5: V) -> (V, V, V, V) {
        let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
        return (m0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m5)
    }

    /// A: four output gradients to six.
    @inline(__always)
    static func outputGradient<V: TileVector>(_ y0: V, _ y1: V, _ y2: V, _ y3: V) -> Six<V> {
        let e = y0 + y2, o = y1 + y3
        let e4 = y0 + 4 * y2, o4 = 2 * y1 + 8 * y3
        return (y0, e + o, e - o, e4 + o4, e4 - o4, y3)
    }

    /// B: six transformed gradients to six input gradients.
    @inline(__always)
    static func inputGradient<V: TileVector>(_ v0: V, _ v1: V, _ v2: V, _ v3: V, _ v4: V, _ v5: V) -> Six<V> {
        let s12 = v1 + v2, d12 = v1 - v2, s34 = v3 + v4, d34 = v3 - v4
        let second = -4 * d12 - 2 * d34 + 4 * v5
        let third = -5 * v0 - 4 * s12 - s34
        let fourth = d12 + 2 * d34 - 5 * v5
        return (4 * v0, second, third, fourth, v0 + s12 + s34, v5)
    }

    /// G: a kernel's three taps to six.
    @inline(__always)
    static func kernel<V: TileVector>(_ g0: V, _ g1: V, _ g2: V) -> Six<V> {
        let sum = g0 + g2
        let even = (1 / 24 as Float) * g0 + (1 / 6 as Float) * g2, odd = (1 / 12 as Float) * g1
        return ((1 / 4 as Float) * g0, (-1 / 6 as Float) * (sum + g1), (-1 / 6 as Float) * (sum - g1),
                even + odd, even - odd, g2)
    }

    /// Gᵀ: six kernel gradients to three.
    @inline(__always)
    static func kernelGradient<V: TileVector>(_ u0: V, _ u1: V, _ u2: V, _ u3: V, _ u4: V, _ u5: V) -> (V, V, V) {
        let s12 = u1 + u2, d12 = u2 - u1, s34 = u3 + u4, d34 = u3 - u4
        let first = (1 / 4 as Float) * u0 - (1 / 6 as Float) * s12 + (1 / 24 as Float) * s34
        let second = (1 / 6 as Float) * d12 + (1 / 12 as Float) * d34
        let third = (1 / 6 as Float) * (s34 - s12) + u5
        return (first, second, third)
    }
}

/// V = Bᵀ d B: six padded rows, each as four phases, into 36 planes.
struct InputTiles4: TileRow {
    /// The tile row's first padded row.
    let row: UnsafePointer<Float>
    let rowStride: Int
    /// Floats from one phase of a row to the next.
    let phase: Int
    let v: UnsafeMutablePointer<Float>
    let planeStride: Int

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        // Row r's six columns: phases 0–3 at tx, phases 0 and 1 at tx + 1.
        func columns(_ r: Int) -> WinogradF4.Six<V> {
            let p = row + r * rowStride + tx
            return (V.load(p), V.load(p + phase), V.load(p + 2 * phase), V.load(p + 3 * phase),
                    V.load(p + 1), V.load(p + phase + 1))
        }
        let d0 = columns(0), d1 = columns(1), d2 = columns(2), d3 = columns(3), d4 = columns(4), d5 = columns(5)
        // Bᵀ d, column by column: tj is column j.
        let t0 = WinogradF4.input(d0.0, d1.0, d2.0, d3.0, d4.0, d5.0)
        let t1 = WinogradF4.input(d0.1, d1.1, d2.1, d3.1, d4.1, d5.1)
        let t2 = WinogradF4.input(d0.2, d1.2, d2.2, d3.2, d4.2, d5.2)
        let t3 = WinogradF4.input(d0.3, d1.3, d2.3, d3.3, d4.3, d5.3)
        let t4 = WinogradF4.input(d0.4, d1.4, d2.4, d3.4, d4.4, d5.4)
        let t5 = WinogradF4.input(d0.5, d1.5, d2.5, d3.5, d4.5, d5.5)
        // (Bᵀ d) B: row i of Bᵀ d, transformed, into planes 6i … 6i + 5.
        func store(_ i: Int, _ r: WinogradF4.Six<V>) {
            WinogradF4.store(r, v + 6 * i * planeStride + tx, stride: planeStride)
        }
        store(0, WinogradF4.input(t0.0, t1.0, t2.0, t3.0, t4.0, t5.0))
        store(1, WinogradF4.input(t0.1, t1.1, t2.1, t3.1, t4.1, t5.1))
        store(2, WinogradF4.input(t0.2, t1.2, t2.2, t3.2, t4.2, t5.2))
        store(3, WinogradF4.input(t0.3, t1.3, t2.3, t3.3, t4.3, t5.3))
        store(4, WinogradF4.input(t0.4, t1.4, t2.4, t3.4, t4.4, t5.4))
        store(5, WinogradF4.input(t0.5, t1.5, t2.5, t3.5, t4.5, t5.5))
    }
}

/// y = Aᵀ M A: 36 planes into a tile's 4×4 outputs, as four rows of four phases.
private struct OutputTiles4: TileRow {
    let m: UnsafePointer<Float>
    let planeStride: Int
    /// Output row i's phase p at (4i + p)·n.
    let rows: UnsafeMutablePointer<Float>
    let n: Int

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        func plane(_ xi: Int) -> V { V.load(m + xi * planeStride + tx) }
        // Aᵀ M, column by column: aj is column j's four values.
        func column(_ j: Int) -> (V, V, V, V) {
            WinogradF4.output(plane(j), plane(6 + j), plane(12 + j), plane(18 + j), plane(24 + j), plane(30 + j))
        }
        let a0 = column(0), a1 = column(1), a2 = column(2), a3 = column(3), a4 = column(4), a5 = column(5)
        // (Aᵀ M) A: row i into output row i.
        func store(_ i: Int, _ o: (V, V, V, V)) {
            let row = rows + 4 * i * n + tx
            o.0.store(row)
            o.1.store(row + n)
            o.2.store(row + 2 * n)
            o.3.store(row + 3 * n)
        }
        store(0, WinogradF4.output(a0.0, a1.0, a2.0, a3.0, a4.0, a5.0))
        store(1, WinogradF4.output(a0.1, a1.1, a2.1, a3.1, a4.1, a5.1))
        store(2, WinogradF4.output(a0.2, a1.2, a2.2, a3.2, a4.2, a5.2))
        store(3, WinogradF4.output(a0.3, a1.3, a2.3, a3.3, a4.3, a5.3))
    }
}

/// ∂M = A ∂y Aᵀ: a tile's 4×4 output gradients, as four rows of four phases, into 36 planes.
private struct OutputGradientTiles4: TileRow {
    /// Output row i's phase p at (4i + p)·n.
    let rows: UnsafePointer<Float>
    let n: Int
    let m: UnsafeMutablePointer<Float>
    let planeStride: Int

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        func y(_ i: Int, _ p: Int) -> V { V.load(rows + (4 * i + p) * n + tx) }
        // A ∂y, column by column: cp is column p's six values.
        func column(_ p: Int) -> WinogradF4.Six<V> { WinogradF4.outputGradient(y(0, p), y(1, p), y(2, p), y(3, p)) }
        let c0 = column(0), c1 = column(1), c2 = column(2), c3 = column(3)
        // (A ∂y) Aᵀ: row i into planes 6i … 6i + 5.
        func store(_ i: Int, _ r: WinogradF4.Six<V>) {
            WinogradF4.store(r, m + 6 * i * planeStride + tx, stride: planeStride)
        }
        store(0, WinogradF4.outputGradient(c0.0, c1.0, c2.0, c3.0))
        store(1, WinogradF4.outputGradient(c0.1, c1.1, c2.1, c3.1))
        store(2, WinogradF4.outputGradient(c0.2, c1.2, c2.2, c3.2))
        store(3, WinogradF4.outputGradient(c0.3, c1.3, c2.3, c3.3))
        store(4, WinogradF4.outputGradient(c0.4, c1.4, c2.4, c3.4))
        store(5, WinogradF4.outputGradient(c0.5, c1.5, c2.5, c3.5))
    }
}

/// B ∂V Bᵀ: 36 planes of ∂V into the tile's 6×6 input gradient, row r and column
/// offset o at q[(6r + o)·n + tx].
private struct InputGradientTiles4: TileRow {
    let v: UnsafePointer<Float>
    let planeStride: Int
    let q: UnsafeMutablePointer<Float>
    let n: Int

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        // ∂V Bᵀ, row by row: si is row i over column offsets 0 … 5.
        func row(_ i: Int) -> WinogradF4.Six<V> {
            let base = v + 6 * i * planeStride + tx
            return WinogradF4.inputGradient(V.load(base), V.load(base + planeStride), V.load(base + 2 * planeStride),
                                            V.load(base + 3 * planeStride), V.load(base + 4 * planeStride),
                                            V.load(base + 5 * planeStride))
        }
        let s0 = row(0), s1 = row(1), s2 = row(2), s3 = row(3), s4 = row(4), s5 = row(5)
        // B (∂V Bᵀ): column offset o, down the rows.
        func store(_ o: Int, _ c: WinogradF4.Six<V>) { WinogradF4.store(c, q + o * n + tx, stride: 6 * n) }
        store(0, WinogradF4.inputGradient(s0.0, s1.0, s2.0, s3.0, s4.0, s5.0))
        store(1, WinogradF4.inputGradient(s0.1, s1.1, s2.1, s3.1, s4.1, s5.1))
        store(2, WinogradF4.inputGradient(s0.2, s1.2, s2.2, s3.2, s4.2, s5.2))
        store(3, WinogradF4.inputGradient(s0.3, s1.3, s2.3, s3.3, s4.3, s5.3))
        store(4, WinogradF4.inputGradient(s0.4, s1.4, s2.4, s3.4, s4.4, s5.4))
        store(5, WinogradF4.inputGradient(s0.5, s1.5, s2.5, s3.5, s4.5, s5.5))
    }
}

/// Phases 2 and 3 of a row of ∂d: offsets 2 and 3 of tile tx alone (no neighbour
/// reaches them).
private struct OwnColumns: TileRow {
    let p2: UnsafeMutablePointer<Float>
    let p3: UnsafeMutablePointer<Float>
    let q2: UnsafePointer<Float>
    let q3: UnsafePointer<Float>

    init(p2: UnsafeMutablePointer<Float>, p3: UnsafeMutablePointer<Float>,
         q2: UnsafeMutablePointer<Float>, q3: UnsafeMutablePointer<Float>) {
        self.p2 = p2
        self.p3 = p3
        self.q2 = UnsafePointer(q2)
        self.q3 = UnsafePointer(q3)
    }

    @inline(never)
    func callAsFunction<V: TileVector>(_: V.Type, at tx: Int) {
        (V.load(p2 + tx) + V.load(q2 + tx)).store(p2 + tx)
        (V.load(p3 + tx) + V.load(q3 + tx)).store(p3 + tx)
    }
}
