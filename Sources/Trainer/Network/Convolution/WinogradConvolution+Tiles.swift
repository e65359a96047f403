/// The tile transforms, one row of tiles at a time. Each transform is split into
/// passes over whole rows so that every inner loop runs along `tx` with
/// contiguous loads and stores, which the compiler vectorizes: within one row of
/// tiles, tile position ξ of consecutive tiles is consecutive in plane ξ.
///
/// A row of the 4×4 input tiles at columns 2·tx … 2·tx + 3 is described by its
/// even and odd columns: e = row[2·tx], o = row[2·tx + 1], and the next tile's
/// e′ = row[2·tx + 2], o′ = row[2·tx + 3].
extension WinogradConvolution {
    /// V = Bᵀ d B for every tile of `examples` examples.
    func transformInput(_ x: UnsafePointer<Float>, examples: Int, into w: WinogradWorkspace) {
        let g = geometry
        let tiles = examples * tilesPerExample
        let planeStride = Self.planeStride(rows: g.inputChannels, tiles: tiles)
        let ph = paddedHeight, pw = paddedWidth, n = tilesX
        // Four rows of Bᵀ d, each `pw` wide.
        let rows = w.scratch.pointer
        for example in 0..<examples {
            pad(x + example * g.input.features, into: w.padded)
            for c in 0..<g.inputChannels {
                let plane = w.padded.pointer + c * ph * pw
                for ty in 0..<tilesY {
                    let d0 = plane + 2 * ty * pw, d1 = d0 + pw, d2 = d1 + pw, d3 = d2 + pw
                    let t0 = rows, t1 = rows + pw, t2 = t1 + pw, t3 = t2 + pw
                    // Bᵀ d: (d0 − d2, d1 + d2, d2 − d1, d1 − d3), along whole rows.
                    for j in 0..<pw {
                        t0[j] = d0[j] - d2[j]
                        t1[j] = d1[j] + d2[j]
                        t2[j] = d2[j] - d1[j]
                        t3[j] = d1[j] - d3[j]
                    }
                    // (Bᵀ d) B: (e − e′, o + e′, e′ − o, o − o′) of each row i into planes 4i … 4i + 3.
                    let base = c * tiles + example * tilesPerExample + ty * n
                    for i in 0..<4 {
                        let t = rows + i * pw
                        let v0 = w.inputTiles.pointer + (4 * i) * planeStride + base
                        let v1 = v0 + planeStride, v2 = v1 + planeStride, v3 = v2 + planeStride
                        for tx in 0..<n {
                            let e = t[2 * tx], o = t[2 * tx + 1], e1 = t[2 * tx + 2], o1 = t[2 * tx + 3]
                            v0[tx] = e - e1
                            v1[tx] = o + e1
                            v2[tx] = e1 - o
                            v3[tx] = o - o1
                        }
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
        let h = g.height, width = g.width, n = tilesX
        // Two output rows, 2·tilesX wide (one column more than the image when w is odd).
        let out0 = w.scratch.pointer, out1 = out0 + 2 * n
        for example in 0..<examples {
            for k in 0..<g.outputChannels {
                let image = y + (example * g.outputChannels + k) * g.plane
                for ty in 0..<tilesY {
                    let m = w.products.pointer + k * tiles + example * tilesPerExample + ty * n
                    let m0 = m, m1 = m0 + planeStride, m2 = m1 + planeStride, m3 = m2 + planeStride
                    let m4 = m3 + planeStride, m5 = m4 + planeStride, m6 = m5 + planeStride, m7 = m6 + planeStride
                    let m8 = m7 + planeStride, m9 = m8 + planeStride, m10 = m9 + planeStride, m11 = m10 + planeStride
                    let m12 = m11 + planeStride, m13 = m12 + planeStride, m14 = m13 + planeStride
                    let m15 = m14 + planeStride
                    for tx in 0..<n {
                        // Aᵀ M: rows (M0 + M1 + M2, M1 − M2 − M3) of the tile, column j = 0 … 3.
                        let a00 = m0[tx] + m4[tx] + m8[tx], a01 = m1[tx] + m5[tx] + m9[tx]
                        let a02 = m2[tx] + m6[tx] + m10[tx], a03 = m3[tx] + m7[tx] + m11[tx]
                        let a10 = m4[tx] - m8[tx] - m12[tx], a11 = m5[tx] - m9[tx] - m13[tx]
                        let a12 = m6[tx] - m10[tx] - m14[tx], a13 = m7[tx] - m11[tx] - m15[tx]
                        // · A: the same combination along each row.
                        out0[2 * tx] = a00 + a01 + a02
                        out0[2 * tx + 1] = a01 - a02 - a03
                        out1[2 * tx] = a10 + a11 + a12
                        out1[2 * tx + 1] = a11 - a12 - a13
                    }
                    let oy = 2 * ty
                    (image + oy * width).update(from: out0, count: width)
                    if oy + 1 < h { (image + (oy + 1) * width).update(from: out1, count: width) }
                }
            }
        }
    }

    /// ∂M = A ∂y Aᵀ for every tile (∂y is 0 outside the image).
    func transformOutputGradient(_ dy: UnsafePointer<Float>, examples: Int, into w: WinogradWorkspace) {
        let g = geometry
        let tiles = examples * tilesPerExample
        let planeStride = Self.planeStride(rows: g.outputChannels, tiles: tiles)
        let h = g.height, width = g.width, n = tilesX
        // The tile row's two gradient rows, zero-padded to 2·tilesX.
        let r0 = w.scratch.pointer, r1 = r0 + 2 * n
        r0[2 * n - 1] = 0
        r1[2 * n - 1] = 0
        for example in 0..<examples {
            for k in 0..<g.outputChannels {
                let image = dy + (example * g.outputChannels + k) * g.plane
                for ty in 0..<tilesY {
                    let oy = 2 * ty
                    r0.update(from: image + oy * width, count: width)
                    if oy + 1 < h {
                        r1.update(from: image + (oy + 1) * width, count: width)
                    } else {
                        r1.update(repeating: 0, count: 2 * n)
                    }
                    let m = w.products.pointer + k * tiles + example * tilesPerExample + ty * n
                    let m0 = m, m1 = m0 + planeStride, m2 = m1 + planeStride, m3 = m2 + planeStride
                    let m4 = m3 + planeStride, m5 = m4 + planeStride, m6 = m5 + planeStride, m7 = m6 + planeStride
                    let m8 = m7 + planeStride, m9 = m8 + planeStride, m10 = m9 + planeStride, m11 = m10 + planeStride
                    let m12 = m11 + planeStride, m13 = m12 + planeStride, m14 = m13 + planeStride
                    let m15 = m14 + planeStride
                    for tx in 0..<n {
                        let y00 = r0[2 * tx], y01 = r0[2 * tx + 1], y10 = r1[2 * tx], y11 = r1[2 * tx + 1]
                        // A ∂y: column j becomes (y0j, y0j + y1j, y0j − y1j, −y1j) down the tile.
                        let a0 = y00, a1 = y00 + y10, a2 = y00 - y10, a3 = -y10
                        let b0 = y01, b1 = y01 + y11, b2 = y01 - y11, b3 = -y11
                        // (A ∂y) Aᵀ: row i is (aᵢ, aᵢ + bᵢ, aᵢ − bᵢ, −bᵢ).
                        m0[tx] = a0; m1[tx] = a0 + b0; m2[tx] = a0 - b0; m3[tx] = -b0
                        m4[tx] = a1; m5[tx] = a1 + b1; m6[tx] = a1 - b1; m7[tx] = -b1
                        m8[tx] = a2; m9[tx] = a2 + b2; m10[tx] = a2 - b2; m11[tx] = -b2
                        m12[tx] = a3; m13[tx] = a3 + b3; m14[tx] = a3 - b3; m15[tx] = -b3
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
        let ph = paddedHeight, pw = paddedWidth, n = tilesX
        // Per tile row r and column offset o: q[(4r + o)·n + tx].
        let q = w.scratch.pointer
        for example in 0..<examples {
            w.padded.fill(0)
            for c in 0..<g.inputChannels {
                let plane = w.padded.pointer + c * ph * pw
                for ty in 0..<tilesY {
                    let v = w.inputTiles.pointer + c * tiles + example * tilesPerExample + ty * n
                    for i in 0..<4 {
                        // Row i of ∂V Bᵀ, column offsets 0 … 3: (v0, v1 − v2 + v3, v1 + v2 − v0, −v3).
                        let v0 = v + (4 * i) * planeStride, v1 = v0 + planeStride
                        let v2 = v1 + planeStride, v3 = v2 + planeStride
                        let s0 = q + (4 * i) * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n
                        for tx in 0..<n {
                            s0[tx] = v0[tx]
                            s1[tx] = v1[tx] - v2[tx] + v3[tx]
                            s2[tx] = v1[tx] + v2[tx] - v0[tx]
                            s3[tx] = -v3[tx]
                        }
                    }
                    // B (∂V Bᵀ) in place: row r of the result from rows (s0, s1, s2, s3):
                    // (s0, s1 − s2 + s3, s1 + s2 − s0, −s3), for every column offset at once.
                    let s0 = q, s1 = q + 4 * n, s2 = s1 + 4 * n, s3 = s2 + 4 * n
                    for j in 0..<(4 * n) {
                        let r0 = s0[j], r1 = s1[j], r2 = s2[j], r3 = s3[j]
                        s1[j] = r1 - r2 + r3
                        s2[j] = r1 + r2 - r0
                        s3[j] = -r3
                    }
                    // Even columns take offset 0 of their tile and offset 2 of the one before;
                    // odd columns offsets 1 and 3.
                    for r in 0..<4 {
                        let row = plane + (2 * ty + r) * pw
                        let q0 = q + (4 * r) * n, q1 = q0 + n, q2 = q1 + n, q3 = q2 + n
                        row[0] += q0[0]
                        row[1] += q1[0]
                        for tx in 1..<max(n, 1) {
                            row[2 * tx] += q0[tx] + q2[tx - 1]
                            row[2 * tx + 1] += q1[tx] + q3[tx - 1]
                        }
                        row[2 * n] += q2[n - 1]
                        row[2 * n + 1] += q3[n - 1]
                    }
                }
            }
            unpad(w.padded, into: dx + example * g.input.features)
        }
    }

    /// Copies one example into `padded` with one zero pixel around it (two on the
    /// far sides when a size is odd).
    func pad(_ x: UnsafePointer<Float>, into padded: FloatBuffer) {
        let g = geometry
        let ph = paddedHeight, pw = paddedWidth
        for c in 0..<g.inputChannels {
            let plane = padded.pointer + c * ph * pw
            let source = x + c * g.plane
            plane.update(repeating: 0, count: pw)
            for row in 0..<g.height {
                let line = plane + (row + 1) * pw
                line[0] = 0
                (line + 1).update(from: source + row * g.width, count: g.width)
                (line + 1 + g.width).update(repeating: 0, count: pw - 1 - g.width)
            }
            (plane + (g.height + 1) * pw).update(repeating: 0, count: (ph - g.height - 1) * pw)
        }
    }

    /// The inside of `padded` back to an example's layout.
    func unpad(_ padded: FloatBuffer, into dx: UnsafeMutablePointer<Float>) {
        let g = geometry
        let ph = paddedHeight, pw = paddedWidth
        for c in 0..<g.inputChannels {
            let plane = padded.pointer + c * ph * pw
            let target = dx + c * g.plane
            for row in 0..<g.height {
                (target + row * g.width).update(from: plane + (row + 1) * pw + 1, count: g.width)
            }
        }
    }
}
