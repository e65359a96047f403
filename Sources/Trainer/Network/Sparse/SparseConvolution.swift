/// A 3×3 stride-1 "same" convolution that stores only its kept weights and
/// computes with them alone: a ticket's convolution at 20% of its weights does a
/// fifth of the dense convolution's multiply-adds.
///
/// The weight `outputs × inputs × 3 × 3` is a `outputs × 9·inputs` matrix to its
/// `SparsePattern`: output channel `o`'s kept kernel taps are its row (CSR), and
/// the stored values run in column order, input channel by input channel.
///
/// Each example's planes are copied into zero-padded planes with rows of
/// `S = width + 2` floats. In that layout a kept tap (c, dy, dx) of output o
/// adds `w · in[c][r + dy·S + dx]` to output position r = y·S + x for every r at
/// once, so every product is a run of contiguous 16-float vectors (positions with
/// x ≥ width are computed too and thrown away, 2 in every S):
///
///     forward   y[o][r]  = Σ_(c,dy,dx) w · xPad[c][r + dy·S + dx]           (row o of the pattern)
///     ∂x        ∂x[c][r] = Σ_(o,dy,dx) w · ∂yPad[o][r + (2−dy)·S + (2−dx)]  (columns of c)
///     ∂W        ∂w       = Σ_examples Σ_r ∂yPad[o][r + S + 1] · xPad[c][r + dy·S + dx]
///
/// Forward and ∂x hold a block of 64 positions of one plane in four registers
/// while they walk that plane's kept taps; the blocks of all input planes a block
/// reads stay in L1 while every output plane is computed from them. ∂W takes
/// eight kept taps of one output at a time, sharing each load of ∂y. With more
/// than one training thread, examples are split between lanes, as Winograd's are.
/// Sums run in a fixed order: the same trial gives the same bits on every run.
package final class SparseConvolution: ConvolutionKernel {
    let geometry: ConvolutionGeometry
    package let pattern: SparsePattern
    /// Floats from one padded row to the next: the width and a zero on each side.
    let rowStride: Int
    /// Positions computed per plane: every row of `rowStride`, rounded up to whole vectors.
    let positions: Int
    /// Floats from one padded plane to the next.
    let planeStride: Int
    /// In the pattern's row order: where each kept tap reads in the padded input,
    /// relative to the output position (the forward pass and ∂W).
    private let forwardOffsets: UnsafeMutablePointer<Int32>
    /// For ∂x, in stored (column) order: where each kept tap reads in the padded ∂y.
    private let backwardOffsets: UnsafeMutablePointer<Int32>
    /// The kept weights in row order, gathered once per pass.
    private let rowValues: FloatBuffer
    /// Buffers of each lane: examples are split between lanes that run at once
    /// when training has more than one thread.
    private var workspaces: [Workspace] = []
    /// Lanes to split a batch into; nil = one per training thread (`Lanes.count`).
    var lanes: Int?

    /// What one lane writes while it works through its examples.
    private final class Workspace {
        /// One example's input planes, and in the backward pass its ∂y's, zero-padded.
        let padded: FloatBuffer
        let paddedGradient: FloatBuffer
        /// One example's output planes in the padded row layout, before the
        /// throwaway positions are dropped.
        let wide: FloatBuffer
        /// ∂W in row order, summed over the lane's examples.
        let rowGradient: FloatBuffer

        init(_ kernel: SparseConvolution) {
            let g = kernel.geometry
            padded = FloatBuffer(count: g.inputChannels * kernel.planeStride + kernel.planeStride)
            paddedGradient = FloatBuffer(count: g.outputChannels * kernel.planeStride + kernel.planeStride)
            wide = FloatBuffer(count: max(g.inputChannels, g.outputChannels) * kernel.positions)
            rowGradient = FloatBuffer(count: kernel.pattern.count)
        }
    }

    typealias Vector = SparseKernels.Vector
    static let block = 64

    /// `keep`: the layer's mask, `outputs × inputs × 3 × 3` (nonzero = kept).
    package init(geometry: ConvolutionGeometry, keep: UnsafePointer<Float>) {
        precondition(geometry.isSame3x3, "sparse convolutions are written for 3×3 stride-1 convolutions")
        self.geometry = geometry
        let taps = 9 * geometry.inputChannels
        pattern = SparsePattern(keep: keep, inputs: geometry.outputChannels, outputs: taps)
        rowStride = geometry.width + 2
        let vector = Vector.scalarCount
        positions = (geometry.height * rowStride + vector - 1) / vector * vector
        // Reads reach 2·S + 2 past the last position; ∂W's reads of ∂y start S + 1
        // in. A plane is long enough that every read of a kept position stays in
        // it, and that what ∂W reads past the last row is zero.
        let reach = positions + 2 * rowStride + 2 + vector
        planeStride = (max((geometry.height + 2) * rowStride, reach) + vector - 1) / vector * vector + vector

        let count = pattern.count
        forwardOffsets = .allocate(capacity: max(count, 1))
        backwardOffsets = .allocate(capacity: max(count, 1))
        for o in 0..<geometry.outputChannels {
            for entry in Int(pattern.rowStarts[o])..<Int(pattern.rowStarts[o + 1]) {
                let column = Int(pattern.columnIndices[entry])
                let (channel, tap) = column.quotientAndRemainder(dividingBy: 9)
                forwardOffsets[entry] = Int32(channel * planeStride + tap / 3 * rowStride + tap % 3)
            }
        }
        for column in 0..<taps {
            let tap = column % 9
            for stored in Int(pattern.columnStarts[column])..<Int(pattern.columnStarts[column + 1]) {
                let o = Int(pattern.rowIndices[stored])
                backwardOffsets[stored] = Int32(o * planeStride + (2 - tap / 3) * rowStride + (2 - tap % 3))
            }
        }
        rowValues = FloatBuffer(count: count)
    }

    deinit {
        forwardOffsets.deallocate()
        backwardOffsets.deallocate()
    }

    /// Splits `rows` examples between lanes that run at once: `body(workspace,
    /// examples)` for each. Returns the lanes' workspaces.
    @discardableResult
    private func forEachLane(rows: Int, _ body: (Workspace, Range<Int>) -> Void) -> ArraySlice<Workspace> {
        let count = max(1, min(lanes ?? Lanes.count, rows))
        while workspaces.count < count { workspaces.append(Workspace(self)) }
        let lanes = workspaces[0..<count]
        Lanes.run(count) { lane in
            body(lanes[lane], rows * lane / count ..< rows * (lane + 1) / count)
        }
        return lanes
    }

    package func forward(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                 rows: Int, training: Bool) {
        gatherRowValues(weight)
        let inputFeatures = geometry.input.features
        let outputFeatures = geometry.output.features
        forEachLane(rows: rows) { w, examples in
            for row in examples {
                pad(x + row * inputFeatures, planes: geometry.inputChannels, into: w.padded.pointer)
                Self.accumulate(groups: geometry.outputChannels, starts: pattern.rowStarts, offsets: forwardOffsets,
                                values: rowValues.pointer, source: w.padded.pointer, positions: positions,
                                into: w.wide.pointer)
                unpad(w.wide.pointer, planes: geometry.outputChannels, into: y + row * outputFeatures)
            }
        }
    }

    package func backward(input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                  weightGradient dW: UnsafeMutablePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>?,
                  rows: Int) {
        let inputFeatures = geometry.input.features
        let outputFeatures = geometry.output.features
        let lanes = forEachLane(rows: rows) { w, examples in
            w.rowGradient.fill(0)
            for row in examples {
                pad(x + row * inputFeatures, planes: geometry.inputChannels, into: w.padded.pointer)
                pad(dy + row * outputFeatures, planes: geometry.outputChannels, into: w.paddedGradient.pointer)
                addWeightGradient(w)
                if let dx {
                    // The columns of input channel c are stored together: its nine taps' runs.
                    Self.accumulate(groups: geometry.inputChannels, starts: pattern.columnStarts, stride: 9,
                                    offsets: backwardOffsets, values: weight, source: w.paddedGradient.pointer,
                                    positions: positions, into: w.wide.pointer)
                    unpad(w.wide.pointer, planes: geometry.inputChannels, into: dx + row * inputFeatures)
                }
            }
        }
        // The lanes' sums added in lane order, then stored in column order.
        let total = lanes[lanes.startIndex].rowGradient.pointer
        for other in lanes.dropFirst() {
            for entry in 0..<pattern.count { total[entry] += other.rowGradient[entry] }
        }
        let positionsOf = pattern.storedPositions
        for entry in 0..<pattern.count { dW[Int(positionsOf[entry])] = total[entry] }
    }

    private func gatherRowValues(_ weight: UnsafePointer<Float>) {
        let positionsOf = pattern.storedPositions
        for entry in 0..<pattern.count { rowValues[entry] = weight[Int(positionsOf[entry])] }
    }

    /// Copies `planes` planes of `height × width` into the padded layout; the
    /// borders were zeroed when the buffer was made and are never written.
    private func pad(_ source: UnsafePointer<Float>, planes: Int, into target: UnsafeMutablePointer<Float>) {
        let (height, width) = (geometry.height, geometry.width)
        for plane in 0..<planes {
            for y in 0..<height {
                (target + plane * planeStride + (y + 1) * rowStride + 1)
                    .update(from: source + (plane * height + y) * width, count: width)
            }
        }
    }

    /// Drops the throwaway positions of `planes` wide planes.
    private func unpad(_ source: UnsafePointer<Float>, planes: Int, into target: UnsafeMutablePointer<Float>) {
        let (height, width) = (geometry.height, geometry.width)
        for plane in 0..<planes {
            for y in 0..<height {
                (target + (plane * height + y) * width)
                    .update(from: source + plane * positions + y * rowStride, count: width)
            }
        }
    }

    /// `out[g][r] = Σ values[e] · source[offsets[e] + r]` over group g's entries
    /// `starts[g·stride] ..< starts[(g + 1)·stride]`, for r in `0 ..< positions`.
    private static func accumulate(groups: Int, starts: UnsafePointer<Int32>, stride: Int = 1,
                                   offsets: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                                   source: UnsafePointer<Float>,
                                   positions: Int, into out: UnsafeMutablePointer<Float>) {
        var first = 0
        while first < positions {
            let wideBlock = first + block <= positions
            for g in 0..<groups {
                let begin = Int(starts[g * stride]), end = Int(starts[(g + 1) * stride])
                let target = out + g * positions + first
                if wideBlock {
                    var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector()
                    for e in begin..<end {
                        let p = source + Int(offsets[e]) + first
                        let w = values[e]
                        s0 = s0.addingProduct(SparseKernels.load(p), w)
                        s1 = s1.addingProduct(SparseKernels.load(p + 16), w)
                        s2 = s2.addingProduct(SparseKernels.load(p + 32), w)
                        s3 = s3.addingProduct(SparseKernels.load(p + 48), w)
                    }
                    SparseKernels.store(s0, target)
                    SparseKernels.store(s1, target + 16)
                    SparseKernels.store(s2, target + 32)
                    SparseKernels.store(s3, target + 48)
                } else {
                    var r = 0
                    while first + r < positions {
                        var sum = Vector()
                        for e in begin..<end {
                            sum = sum.addingProduct(SparseKernels.load(source + Int(offsets[e]) + first + r), values[e])
                        }
                        SparseKernels.store(sum, target + r)
                        r += Vector.scalarCount
                    }
                }
            }
            first += block
        }
    }

    /// The ∂W of the example padded in `w`, added to its `rowGradient`: for each
    /// output, eight kept taps at a time share each load of its ∂y.
    private func addWeightGradient(_ w: Workspace) {
        let starts = pattern.rowStarts
        let x = UnsafePointer(w.padded.pointer)
        let sums = w.rowGradient.pointer
        for o in 0..<geometry.outputChannels {
            // ∂y[o] at position r sits at r + S + 1 of its padded plane; past the
            // last row it reads the plane's zeros, so throwaway positions add nothing.
            let g = UnsafePointer(w.paddedGradient.pointer) + o * planeStride + rowStride + 1
            var entry = Int(starts[o])
            let end = Int(starts[o + 1])
            while entry + 8 <= end {
                let x0 = x + Int(forwardOffsets[entry]), x1 = x + Int(forwardOffsets[entry + 1])
                let x2 = x + Int(forwardOffsets[entry + 2]), x3 = x + Int(forwardOffsets[entry + 3])
                let x4 = x + Int(forwardOffsets[entry + 4]), x5 = x + Int(forwardOffsets[entry + 5])
                let x6 = x + Int(forwardOffsets[entry + 6]), x7 = x + Int(forwardOffsets[entry + 7])
                var p0 = Vector(), p1 = Vector(), p2 = Vector(), p3 = Vector()
                var p4 = Vector(), p5 = Vector(), p6 = Vector(), p7 = Vector()
                var r = 0
                while r < positions {
                    let d = SparseKernels.load(g + r)
                    p0 = p0.addingProduct(SparseKernels.load(x0 + r), d)
                    p1 = p1.addingProduct(SparseKernels.load(x1 + r), d)
                    p2 = p2.addingProduct(SparseKernels.load(x2 + r), d)
                    p3 = p3.addingProduct(SparseKernels.load(x3 + r), d)
                    p4 = p4.addingProduct(SparseKernels.load(x4 + r), d)
                    p5 = p5.addingProduct(SparseKernels.load(x5 + r), d)
                    p6 = p6.addingProduct(SparseKernels.load(x6 + r), d)
                    p7 = p7.addingProduct(SparseKernels.load(x7 + r), d)
                    r += Vector.scalarCount
                }
                sums[entry] += p0.sum()
                sums[entry + 1] += p1.sum()
                sums[entry + 2] += p2.sum()
                sums[entry + 3] += p3.sum()
                sums[entry + 4] += p4.sum()
                sums[entry + 5] += p5.sum()
                sums[entry + 6] += p6.sum()
                sums[entry + 7] += p7.sum()
                entry += 8
            }
            while entry < end {
                let x0 = x + Int(forwardOffsets[entry])
                var p0 = Vector()
                var r = 0
                while r < positions {
                    p0 = p0.addingProduct(SparseKernels.load(x0 + r), SparseKernels.load(g + r))
                    r += Vector.scalarCount
                }
                sums[entry] += p0.sum()
                entry += 1
            }
        }
    }
}
