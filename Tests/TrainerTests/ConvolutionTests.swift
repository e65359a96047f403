import LotteryCore
import Testing

@testable import Trainer

/// The fast convolutions against a naive one: a direct convolution (3×3 with one
/// pixel of padding, or 1×1 without, at stride 1 or 2) written as loops, with its
/// gradients written as loops too.
struct ConvolutionTests {
    /// Direct convolution and its exact gradients, in Double.
    struct Reference {
        let c: Int, k: Int, h: Int, w: Int
        var size = 3, stride = 1

        var padding: Int { (size - 1) / 2 }
        var oh: Int { (h - 1) / stride + 1 }
        var ow: Int { (w - 1) / stride + 1 }

        func forward(_ x: [Float], _ weight: [Float], rows: Int) -> [Double] {
            var y = [Double](repeating: 0, count: rows * k * oh * ow)
            for n in 0..<rows {
                for o in 0..<k {
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            var sum = 0.0
                            for i in 0..<c {
                                for ky in 0..<size {
                                    for kx in 0..<size {
                                        let iy = oy * stride + ky - padding, ix = ox * stride + kx - padding
                                        guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                        sum += Double(x[((n * c + i) * h + iy) * w + ix])
                                            * Double(weight[((o * c + i) * size + ky) * size + kx])
                                    }
                                }
                            }
                            y[((n * k + o) * oh + oy) * ow + ox] = sum
                        }
                    }
                }
            }
            return y
        }

        /// ∂W and ∂x of Σ y·dy.
        func backward(_ x: [Float], _ weight: [Float], _ dy: [Float], rows: Int) -> (dW: [Double], dx: [Double]) {
            var dW = [Double](repeating: 0, count: weight.count)
            var dx = [Double](repeating: 0, count: x.count)
            for n in 0..<rows {
                for o in 0..<k {
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let g = Double(dy[((n * k + o) * oh + oy) * ow + ox])
                            for i in 0..<c {
                                for ky in 0..<size {
                                    for kx in 0..<size {
                                        let iy = oy * stride + ky - padding, ix = ox * stride + kx - padding
                                        guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                        let xi = ((n * c + i) * h + iy) * w + ix
                                        let wi = ((o * c + i) * size + ky) * size + kx
                                        dW[wi] += g * Double(x[xi])
                                        dx[xi] += g * Double(weight[wi])
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (dW, dx)
        }
    }

    private func random(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(generator.nextGaussian()) }
    }

    private func expectClose(_ actual: [Float], _ expected: [Double], _ what: String) {
        #expect(actual.count == expected.count)
        let scale = max(expected.map(abs).max() ?? 1, 1)
        var worst = 0.0
        for (a, e) in zip(actual, expected) { worst = max(worst, abs(Double(a) - e)) }
        #expect(worst <= 1e-4 * scale, "\(what): largest difference \(worst) against values up to \(scale)")
    }

    /// Runs `kernel` forward and backward on random inputs drawn from `generator`
    /// and compares y, ∂W and ∂x with the direct convolution's.
    private func expectMatchesReference(_ kernel: any ConvolutionKernel, _ reference: Reference,
                                        geometry: ConvolutionGeometry, rows: Int,
                                        generator: inout SeededGenerator, _ label: String) {
        let x = random(rows * geometry.input.features, &generator)
        let weight = random(reference.k * reference.c * reference.size * reference.size, &generator)
        let dy = random(rows * geometry.output.features, &generator)
        var y = [Float](repeating: .nan, count: dy.count)
        kernel.forward(x, weight: weight, into: &y, rows: rows, training: true)
        expectClose(y, reference.forward(x, weight, rows: rows), "\(label) forward")
        var dW = [Float](repeating: .nan, count: weight.count)
        var dx = [Float](repeating: .nan, count: x.count)
        kernel.backward(input: x, weight: weight, outputGradient: dy, weightGradient: &dW, inputGradient: &dx,
                        rows: rows)
        let expected = reference.backward(x, weight, dy, rows: rows)
        expectClose(dW, expected.dW, "\(label) ∂W")
        expectClose(dx, expected.dx, "\(label) ∂x")
    }

    /// Even and odd sizes, one channel and many, a chunk boundary inside the batch; rows
    /// of 17, 13 and 3 tiles take every vector width of the Winograd transforms (8, 4,
    /// 2, 1).
    static let cases: [(c: Int, k: Int, h: Int, w: Int, rows: Int)] = [
        (1, 2, 4, 4, 2), (3, 5, 5, 7, 3), (4, 3, 1, 1, 2), (6, 4, 8, 6, 3), (2, 3, 3, 2, 1), (5, 2, 31, 33, 5),
        (2, 3, 6, 26, 2),
    ]

    @Test(arguments: [ConvolutionAlgorithm.im2col, .winograd], 0..<cases.count)
    func matchesTheDirectConvolution(algorithm: ConvolutionAlgorithm, index: Int) {
        let (c, k, h, w, rows) = Self.cases[index]
        var generator = SeededGenerator(seed: UInt64(index), stream: "conv")
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: c, height: h, width: w), outputChannels: k)
        let kernel = algorithm.makeKernel(geometry: geometry, capacity: rows)
        expectMatchesReference(kernel, Reference(c: c, k: k, h: h, w: w), geometry: geometry, rows: rows,
                               generator: &generator, "\(algorithm) \(Self.cases[index])")
    }

    /// Both of Winograd's tile sizes on every case, whichever `outputTile(for:)` would
    /// pick: F(4×4, 3×3) on planes smaller than a tile, on ragged edges (sizes that
    /// are not multiples of 4) and on rows of 9 and 7 tiles (vectors of 8, 4, 2 and 1).
    @Test(arguments: [2, 4], 0..<cases.count)
    func bothWinogradTilesMatchTheDirectConvolution(outputTile: Int, index: Int) {
        let (c, k, h, w, rows) = Self.cases[index]
        var generator = SeededGenerator(seed: UInt64(index), stream: "conv-tiles")
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: c, height: h, width: w), outputChannels: k)
        let kernel = WinogradConvolution(geometry: geometry, outputTile: outputTile)
        expectMatchesReference(kernel, Reference(c: c, k: k, h: h, w: w), geometry: geometry, rows: rows,
                               generator: &generator, "F(\(outputTile)×\(outputTile)) \(Self.cases[index])")
    }

    @Test func winogradTakesFourByFourTilesOnPlanesAtLeastEightWide() {
        func tile(_ width: Int) -> Int {
            WinogradConvolution(geometry: ConvolutionGeometry(input: ActivationShape(channels: 16, height: width,
                                                                                     width: width),
                                                              outputChannels: 16)).outputTile
        }
        #expect([32, 16, 9, 8, 7, 4, 2].map(tile) == [4, 4, 4, 4, 2, 2, 2])
    }

    /// ResNet's downsampling: 3×3 at stride 2 with padding, and the 1×1 stride-2
    /// projection of its shortcuts (and a 1×1 at stride 1), on even and odd sizes and
    /// on rows long enough for stride 2's vectors.
    static let stridedCases: [(c: Int, k: Int, h: Int, w: Int, rows: Int, size: Int, stride: Int)] = [
        (3, 4, 8, 8, 2, 3, 2), (2, 5, 7, 5, 3, 3, 2), (16, 32, 6, 6, 2, 3, 2), (4, 6, 7, 8, 2, 1, 2),
        (16, 32, 8, 8, 2, 1, 2), (3, 2, 5, 4, 2, 1, 1), (2, 2, 1, 1, 1, 3, 2),
        // Rows of 18 and 17 outputs at stride 2: eight at a time, then one by one.
        (2, 3, 5, 35, 2, 3, 2), (3, 2, 4, 33, 2, 1, 2),
    ]

    @Test(arguments: 0..<stridedCases.count)
    func stridedAndPointwiseConvolutionsMatchTheDirectOne(index: Int) {
        let (c, k, h, w, rows, size, stride) = Self.stridedCases[index]
        var generator = SeededGenerator(seed: UInt64(index), stream: "strided")
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: c, height: h, width: w), outputChannels: k,
                                           kernelSize: size, stride: stride)
        // Automatic picks im2col: Winograd does 3×3 at stride 1 only.
        #expect(ConvolutionAlgorithm.automatic.resolved(for: geometry) == .im2col)
        #expect(ConvolutionAlgorithm.winograd.resolved(for: geometry) == .im2col)
        let kernel = ConvolutionAlgorithm.automatic.resolved(for: geometry).makeKernel(geometry: geometry, capacity: rows)
        let reference = Reference(c: c, k: k, h: h, w: w, size: size, stride: stride)
        #expect(geometry.output == ActivationShape(channels: k, height: reference.oh, width: reference.ow))
        expectMatchesReference(kernel, reference, geometry: geometry, rows: rows, generator: &generator,
                               "\(Self.stridedCases[index])")
    }

    /// The sparse kernel on the kept weights of a random mask, from none kept to
    /// all: y, ∂x, and ∂W at the kept positions, as the direct convolution of the
    /// masked weight gives them. The last cases hold more input planes than L1
    /// and a plane longer than one block of positions.
    static let sparseCases = cases.filter { $0.h * $0.w > 1 } + [(64, 24, 12, 20, 2), (3, 16, 28, 28, 2)]

    @Test(arguments: 0..<sparseCases.count, [0.0, 0.3, 1.0])
    func sparseMatchesTheDirectConvolutionOfTheMaskedWeight(index: Int, density: Double) {
        let (c, k, h, w, rows) = Self.sparseCases[index]
        var generator = SeededGenerator(seed: UInt64(index), stream: "sparse-conv")
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: c, height: h, width: w), outputChannels: k)
        let keep: [Float] = (0..<(k * c * 9)).map { _ in generator.nextUnitDouble() < density ? 1 : 0 }
        let kernel = SparseConvolution(geometry: geometry, keep: keep)
        #expect(kernel.pattern.count == keep.filter { $0 != 0 }.count)
        expectSparseMatchesReference(kernel, keep: keep, rows: rows, generator: &generator,
                                     "sparse at \(density) \(Self.sparseCases[index])")
    }

    @Test(arguments: [2, 3])
    func sparseSplitsBatchesIntoLanes(lanes: Int) {
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: 5, height: 9, width: 7), outputChannels: 4)
        var generator = SeededGenerator(seed: 7, stream: "sparse-lanes")
        let keep: [Float] = (0..<(4 * 5 * 9)).map { _ in generator.nextUnitDouble() < 0.5 ? 1 : 0 }
        let kernel = SparseConvolution(geometry: geometry, keep: keep)
        kernel.lanes = lanes
        expectSparseMatchesReference(kernel, keep: keep, rows: 5, generator: &generator, "\(lanes) lanes")
    }

    /// A sparse kernel made from `keep` on random inputs and weights: y, ∂x, and ∂W
    /// at the kept positions, as the direct convolution of the masked weight gives them.
    private func expectSparseMatchesReference(_ kernel: SparseConvolution, keep: [Float], rows: Int,
                                              generator: inout SeededGenerator, _ label: String) {
        let geometry = kernel.geometry
        let weight = zip(random(keep.count, &generator), keep).map { value, kept in kept == 0 ? 0 : value }
        var stored = [Float](repeating: .nan, count: kernel.pattern.count)
        kernel.pattern.gather(weight, into: &stored)
        let x = random(rows * geometry.input.features, &generator)
        let dy = random(rows * geometry.output.features, &generator)
        let reference = Reference(c: geometry.inputChannels, k: geometry.outputChannels, h: geometry.height,
                                  w: geometry.width)
        var y = [Float](repeating: .nan, count: dy.count)
        kernel.forward(x, weight: stored, into: &y, rows: rows, training: true)
        expectClose(y, reference.forward(x, weight, rows: rows), "\(label) forward")
        var storedGradient = [Float](repeating: .nan, count: stored.count)
        var dx = [Float](repeating: .nan, count: x.count)
        kernel.backward(input: x, weight: stored, outputGradient: dy, weightGradient: &storedGradient,
                        inputGradient: &dx, rows: rows)
        let expected = reference.backward(x, weight, dy, rows: rows)
        expectClose(dx, expected.dx, "\(label) ∂x")
        var dW = [Float](repeating: .nan, count: weight.count)
        kernel.pattern.scatter(storedGradient, into: &dW)
        expectClose(dW, zip(expected.dW, keep).map { value, kept in kept == 0 ? 0 : value }, "\(label) ∂W")
    }

    @Test(arguments: [1, 2, 3], [2, 4])
    func winogradSplitsBatchesIntoChunksAndLanes(lanes: Int, outputTile: Int) {
        // 32×32 has 1,024 outputs, so a chunk is 2 examples and 5 rows take three chunks,
        // shared between the lanes that run at once.
        let side = 32
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: 2, height: side, width: side),
                                           outputChannels: 2)
        let kernel = WinogradConvolution(geometry: geometry, outputTile: outputTile)
        kernel.lanes = lanes
        #expect(kernel.chunk == 2)
        let rows = 5
        // Three lanes hold a chunk each and share one ∂U; with two, one lane holds two.
        #expect(WinogradConvolution.holdsOneChunkPerLane(kernel.ranges(rows: rows)) == (lanes == 3))
        var generator = SeededGenerator(seed: 5, stream: "chunks")
        expectMatchesReference(kernel, Reference(c: 2, k: 2, h: side, w: side), geometry: geometry, rows: rows,
                               generator: &generator, "\(lanes) lanes, F(\(outputTile)×\(outputTile))")
    }

    /// A batch with fewer chunks than lanes is cut into smaller chunks, one or more
    /// per lane: 4×4 planes are 4 tiles an example, so 6 rows would be one chunk of
    /// 128; for 4 lanes they are 3 chunks of 2 (a lane takes whole chunks). With one
    /// chunk a lane, the lanes share one ∂U, each computing some of its rows (output
    /// channels): with 2 output channels and 3 or 4 lanes, some compute none.
    @Test func winogradGivesEveryLaneAChunk() {
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: 3, height: 4, width: 4), outputChannels: 2)
        var generator = SeededGenerator(seed: 6, stream: "small-chunks")
        for (lanes, expected) in [(1, [0..<6]), (2, [0..<3, 3..<6]), (4, [0..<2, 2..<4, 4..<6])] {
            let kernel = WinogradConvolution(geometry: geometry)
            kernel.lanes = lanes
            #expect(kernel.ranges(rows: 6).ranges == expected)
            #expect(WinogradConvolution.holdsOneChunkPerLane(kernel.ranges(rows: 6)) == (lanes > 1))
            expectMatchesReference(kernel, Reference(c: 3, k: 2, h: 4, w: 4), geometry: geometry, rows: 6,
                                   generator: &generator, "\(lanes) lanes")
        }
    }

    /// Under a trial's lanes (`Lanes.with`) Winograd also splits its kernel transforms
    /// by kernel pairs: the same floats as when only its chunks are split between
    /// lanes. im2col splits examples: y and ∂x as one lane gives them (each example's
    /// own products), ∂W the lanes' sums added in lane order. 35 pairs are four
    /// vectors of eight and three left; 32×32 planes make chunks of two examples.
    @Test(arguments: [2, 3])
    func trialLanesSplitKernelPairsAndExamples(lanes: Int) {
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: 7, height: 32, width: 32), outputChannels: 5)
        let rows = 5
        var generator = SeededGenerator(seed: 11, stream: "trial-lanes")
        let x = random(rows * geometry.input.features, &generator)
        let weight = random(5 * 7 * 9, &generator)
        let dy = random(rows * geometry.output.features, &generator)
        func run(_ kernel: any ConvolutionKernel, trialLanes: Int) -> (y: [Float], dW: [Float], dx: [Float]) {
            var y = [Float](repeating: .nan, count: dy.count)
            var dW = [Float](repeating: .nan, count: weight.count)
            var dx = [Float](repeating: .nan, count: x.count)
            Lanes.with(trialLanes) {
                kernel.forward(x, weight: weight, into: &y, rows: rows, training: true)
                kernel.backward(input: x, weight: weight, outputGradient: dy, weightGradient: &dW, inputGradient: &dx,
                                rows: rows)
            }
            return (y, dW, dx)
        }
        let chunksOnly = WinogradConvolution(geometry: geometry)
        chunksOnly.lanes = lanes
        let winograd = run(WinogradConvolution(geometry: geometry), trialLanes: lanes)
        let winogradChunks = run(chunksOnly, trialLanes: 1)
        #expect(winograd.y == winogradChunks.y && winograd.dW == winogradChunks.dW && winograd.dx == winogradChunks.dx)

        let im2colAlone = run(Im2colConvolution(geometry: geometry), trialLanes: 1)
        let im2col = run(Im2colConvolution(geometry: geometry), trialLanes: lanes)
        #expect(im2col.y == im2colAlone.y && im2col.dx == im2colAlone.dx)
        let reference = Reference(c: 7, k: 5, h: 32, w: 32)
        let expected = reference.backward(x, weight, dy, rows: rows)
        expectClose(im2col.dW, expected.dW, "im2col ∂W in \(lanes) lanes")
        expectClose(winograd.dW, expected.dW, "Winograd ∂W in \(lanes) lanes")
        expectClose(im2col.y, reference.forward(x, weight, rows: rows), "im2col forward in \(lanes) lanes")
    }

    /// While the weights are frozen (the slices of one evaluation), Winograd
    /// transforms them once: a second slice uses the first's kernels even if handed
    /// others (which the contract forbids; here it shows the reuse), and the next
    /// frozen stretch, or an unfrozen call, transforms afresh.
    @Test func winogradTransformsFrozenWeightsOncePerStretch() {
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: 3, height: 6, width: 6), outputChannels: 2)
        let kernel = WinogradConvolution(geometry: geometry)
        var generator = SeededGenerator(seed: 9, stream: "frozen")
        let rows = 2
        let x = (0..<(rows * geometry.input.features)).map { _ in Float(generator.nextUnitDouble() - 0.5) }
        let a = (0..<(2 * 3 * 9)).map { _ in Float(generator.nextUnitDouble() - 0.5) }
        let b = a.map { -2 * $0 }
        func forward(_ weight: [Float]) -> [Float] {
            var y = [Float](repeating: .nan, count: rows * geometry.output.features)
            kernel.forward(x, weight: weight, into: &y, rows: rows, training: false)
            return y
        }
        let withA = forward(a), withB = forward(b)
        #expect(withA != withB)
        kernel.weightsFrozen(true)
        #expect(forward(a) == withA)
        #expect(forward(b) == withA)
        kernel.weightsFrozen(false)
        kernel.weightsFrozen(true)
        #expect(forward(b) == withB)
        kernel.weightsFrozen(false)
        #expect(forward(a) == withA)
        #expect(forward(b) == withB)
    }

    @Test func im2colLowersEveryTapWithZeroPadding() {
        // One 2×3 channel: the centre tap's row is the image itself, the top-left
        // tap's row is the image shifted down and right with zeros coming in.
        let geometry = ConvolutionGeometry(input: ActivationShape(channels: 1, height: 2, width: 3), outputChannels: 1)
        let x: [Float] = [1, 2, 3, 4, 5, 6]
        var cols = [Float](repeating: .nan, count: 9 * 6)
        Im2colConvolution.lower(x, into: &cols, geometry: geometry)
        #expect(Array(cols[(4 * 6)..<(5 * 6)]) == x)
        #expect(Array(cols[0..<6]) == [0, 0, 0, 0, 1, 2])
        #expect(Array(cols[(8 * 6)..<(9 * 6)]) == [5, 6, 0, 0, 0, 0])
    }

    @Test func automaticChoosesWinogradOnlyWithEnoughInputChannels() {
        let first = ConvolutionGeometry(input: ActivationShape(channels: 3, height: 32, width: 32), outputChannels: 64)
        let second = ConvolutionGeometry(input: ActivationShape(channels: 64, height: 32, width: 32), outputChannels: 64)
        #expect(ConvolutionAlgorithm.automatic.resolved(for: first) == .im2col)
        #expect(ConvolutionAlgorithm.automatic.resolved(for: second) == .winograd)
    }
}
