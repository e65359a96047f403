import Testing
@testable import Trainer

/// The `sgemm` path against the textbook triple loop, for every transpose case
/// the layers use, on shapes that are not multiples of any kernel width.
struct BLASTests {
    private func naive(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                       a: [Float], b: [Float]) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let left = transposeA ? a[p * m + i] : a[i * k + p]
                    let right = transposeB ? b[j * k + p] : b[p * n + j]
                    sum += Double(left) * Double(right)
                }
                c[i * n + j] = Float(sum)
            }
        }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesTheNaiveProduct(transposeA: Bool, transposeB: Bool) {
        let (m, n, k) = (13, 7, 29)
        var generator = SeededGenerator(seed: 5)
        let a = (0..<(m * k)).map { _ in Float(generator.nextGaussian()) }
        let b = (0..<(k * n)).map { _ in Float(generator.nextGaussian()) }
        var c = [Float](repeating: .nan, count: m * n)
        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                  a: a, lda: transposeA ? m : k, b: b, ldb: transposeB ? k : n, c: &c, ldc: n)
        let expected = naive(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b)
        for i in 0..<(m * n) {
            #expect(abs(c[i] - expected[i]) < 1e-4, "element \(i)")
        }
    }

    @Test func denseLayerForwardIsTheProductPlusBiasThroughReLU() throws {
        let layer = DenseLayer(name: "fc1", kind: .fc, inputs: 5, outputs: 3, relu: true)
        var generator = SeededGenerator(seed: 9)
        for i in 0..<15 { layer.weight.value[i] = Float(generator.nextGaussian()) }
        for i in 0..<3 { layer.bias.value[i] = Float(generator.nextGaussian()) }
        let x = (0..<10).map { _ in Float(generator.nextGaussian()) }
        var y = [Float](repeating: 0, count: 6)
        layer.forward(x, into: &y, rows: 2, training: false)
        let product = naive(transposeA: false, transposeB: false, m: 2, n: 3, k: 5, a: x, b: layer.weight.value.array)
        for row in 0..<2 {
            for j in 0..<3 {
                #expect(abs(y[row * 3 + j] - max(product[row * 3 + j] + layer.bias.value[j], 0)) < 1e-5)
            }
        }
    }
}
