/// The three products of a sparse fully connected layer, on activations in the
/// `.features` layout (`features × lanes`), with explicit vectors over the
/// batch: each kept weight multiplies a whole row of lanes at once.
///
/// - forward: `y[j, :] = b[j] + Σ_i w[i, j] · x[i, :]`, walking the weights in
///   column order, each output's sum held in registers;
/// - ∂W at kept positions only: `∂w[i, j] = Σ_lanes x[i, :] · ∂y[j, :]`;
/// - ∂x by the transpose: `∂x[i, :] = Σ_j w[i, j] · ∂y[j, :]`, each input's sum
///   held in registers, so nothing is scattered.
///
/// Lanes go 64 at a time (eight AVX2 registers of accumulators), then 16 at a
/// time for the rest; `lanes` is always a multiple of 16. Every sum runs in a
/// fixed order, so results are the same on every run.
enum SparseKernels {
    // Concrete 16-float vectors, four of them for a block of 64 lanes: the
    // compiler keeps these in registers and fuses multiply-adds, where a
    // generic or 64-wide vector type spills to the stack.
    typealias Vector = SIMD16<Float>
    static let block = 64

    static func forward(pattern: SparsePattern, values: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                        relu: Bool, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, lanes: Int) {
        let starts = pattern.columnStarts
        let inputsOf = pattern.rowIndices
        var lane = 0
        while lane + block <= lanes {
            let source = x + lane
            for j in 0..<pattern.outputs {
                var s0 = Vector(repeating: bias[j]), s1 = s0, s2 = s0, s3 = s0
                for k in Int(starts[j])..<Int(starts[j + 1]) {
                    let row = source + Int(inputsOf[k]) * lanes
                    let w = values[k]
                    s0 = s0.addingProduct(load(row), w)
                    s1 = s1.addingProduct(load(row + 16), w)
                    s2 = s2.addingProduct(load(row + 32), w)
                    s3 = s3.addingProduct(load(row + 48), w)
                }
                let out = y + j * lanes + lane
                store(activate(s0, relu), out)
                store(activate(s1, relu), out + 16)
                store(activate(s2, relu), out + 32)
                store(activate(s3, relu), out + 48)
            }
            lane += block
        }
        while lane < lanes {
            let source = x + lane
            for j in 0..<pattern.outputs {
                var sum = Vector(repeating: bias[j])
                for k in Int(starts[j])..<Int(starts[j + 1]) {
                    sum = sum.addingProduct(load(source + Int(inputsOf[k]) * lanes), values[k])
                }
                store(activate(sum, relu), y + j * lanes + lane)
            }
            lane += Vector.scalarCount
        }
    }

    /// ∂W at the kept positions, in stored order. Every lane takes part; the
    /// padding lanes' gradients are zero. Eight kept weights of a column go
    /// together: they share each load of ∂y's row, each sums its lanes into one
    /// 8-float register, and the eight horizontal sums finish as one vector.
    static func weightGradient(pattern: SparsePattern, x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>,
                               into gradient: UnsafeMutablePointer<Float>, lanes: Int) {
        typealias Eight = SIMD8<Float>
        func load8(_ pointer: UnsafePointer<Float>) -> Eight { UnsafeRawPointer(pointer).loadUnaligned(as: Eight.self) }
        let starts = pattern.columnStarts
        let inputsOf = pattern.rowIndices
        for j in 0..<pattern.outputs {
            let dyRow = dy + j * lanes
            var k = Int(starts[j])
            let end = Int(starts[j + 1])
            while k + 8 <= end {
                let x0 = x + Int(inputsOf[k]) * lanes, x1 = x + Int(inputsOf[k + 1]) * lanes
                let x2 = x + Int(inputsOf[k + 2]) * lanes, x3 = x + Int(inputsOf[k + 3]) * lanes
                let x4 = x + Int(inputsOf[k + 4]) * lanes, x5 = x + Int(inputsOf[k + 5]) * lanes
                let x6 = x + Int(inputsOf[k + 6]) * lanes, x7 = x + Int(inputsOf[k + 7]) * lanes
                var p0 = Eight(), p1 = Eight(), p2 = Eight(), p3 = Eight()
                var p4 = Eight(), p5 = Eight(), p6 = Eight(), p7 = Eight()
                var lane = 0
                while lane < lanes {
                    let g = load8(dyRow + lane)
                    p0 = p0.addingProduct(load8(x0 + lane), g)
                    p1 = p1.addingProduct(load8(x1 + lane), g)
                    p2 = p2.addingProduct(load8(x2 + lane), g)
                    p3 = p3.addingProduct(load8(x3 + lane), g)
                    p4 = p4.addingProduct(load8(x4 + lane), g)
                    p5 = p5.addingProduct(load8(x5 + lane), g)
                    p6 = p6.addingProduct(load8(x6 + lane), g)
                    p7 = p7.addingProduct(load8(x7 + lane), g)
                    lane += Eight.scalarCount
                }
                UnsafeMutableRawPointer(gradient + k).storeBytes(of: sums(p0, p1, p2, p3, p4, p5, p6, p7), as: Eight.self)
                k += 8
            }
            while k < end {
                let xRow = x + Int(inputsOf[k]) * lanes
                var p0 = Eight()
                var lane = 0
                while lane < lanes {
                    p0 = p0.addingProduct(load8(xRow + lane), load8(dyRow + lane))
                    lane += Eight.scalarCount
                }
                let zero = Eight()
                gradient[k] = sums(p0, zero, zero, zero, zero, zero, zero, zero)[0]
                k += 1
            }
        }
    }

    static func inputGradient(pattern: SparsePattern, values: UnsafePointer<Float>,
                              outputGradient dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                              lanes: Int) {
        let starts = pattern.rowStarts
        let outputsOf = pattern.columnIndices
        let positions = pattern.storedPositions
        var lane = 0
        while lane + block <= lanes {
            let source = dy + lane
            for i in 0..<pattern.inputs {
                var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector()
                for t in Int(starts[i])..<Int(starts[i + 1]) {
                    let row = source + Int(outputsOf[t]) * lanes
                    let w = values[Int(positions[t])]
                    s0 = s0.addingProduct(load(row), w)
                    s1 = s1.addingProduct(load(row + 16), w)
                    s2 = s2.addingProduct(load(row + 32), w)
                    s3 = s3.addingProduct(load(row + 48), w)
                }
                let out = dx + i * lanes + lane
                store(s0, out)
                store(s1, out + 16)
                store(s2, out + 32)
                store(s3, out + 48)
            }
            lane += block
        }
        while lane < lanes {
            let source = dy + lane
            for i in 0..<pattern.inputs {
                var sum = Vector()
                for t in Int(starts[i])..<Int(starts[i + 1]) {
                    sum = sum.addingProduct(load(source + Int(outputsOf[t]) * lanes), values[Int(positions[t])])
                }
                store(sum, dx + i * lanes + lane)
            }
            lane += Vector.scalarCount
        }
    }

    @inline(__always)
    private static func activate(_ v: Vector, _ relu: Bool) -> Vector {
        relu ? v.replacing(with: 0, where: v .< 0) : v
    }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// The horizontal sums of eight vectors, in a fixed order: element n of the
    /// result is the sum of vector n's elements.
    @inline(__always)
    private static func sums(_ v0: SIMD8<Float>, _ v1: SIMD8<Float>, _ v2: SIMD8<Float>, _ v3: SIMD8<Float>,
                             _ v4: SIMD8<Float>, _ v5: SIMD8<Float>, _ v6: SIMD8<Float>, _ v7: SIMD8<Float>) -> SIMD8<Float> {
        // Adjacent pairs of a and b, within each 128-bit half (AVX's horizontal add).
        func pairs(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
            SIMD8(a[0], a[2], b[0], b[2], a[4], a[6], b[4], b[6]) + SIMD8(a[1], a[3], b[1], b[3], a[5], a[7], b[5], b[7])
        }
        let u0 = pairs(pairs(v0, v1), pairs(v2, v3))
        let u1 = pairs(pairs(v4, v5), pairs(v6, v7))
        // u0 = [v0, v1, v2, v3 over their low halves | the same over their high halves]
        return SIMD8(lowHalf: u0.lowHalf, highHalf: u1.lowHalf) + SIMD8(lowHalf: u0.highHalf, highHalf: u1.highHalf)
    }
}
