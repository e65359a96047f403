/// Inverted dropout: in training each activation is kept with probability
/// 1 − rate and scaled by 1 / (1 − rate), so evaluation lets everything through
/// unchanged. Which activations drop comes from the network's dropout stream,
/// seeded per run, so a run is reproducible.
final class DropoutLayer: Layer {
    let shape: ActivationShape
    let rate: Double
    /// The multiplier of each activation in the last training forward: 0 or 1 / (1 − rate).
    private let multipliers: FloatBuffer
    var generator = SeededGenerator(seed: 0)

    init(shape: ActivationShape, rate: Double, capacity: Int) {
        self.shape = shape
        self.rate = rate
        multipliers = FloatBuffer(count: capacity * shape.features)
    }

    var inputFeatures: Int { shape.features }
    var outputFeatures: Int { shape.features }
    var parameters: [Parameter] { [] }

    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        let count = rows * shape.features
        guard training, rate > 0 else {
            y.update(from: x, count: count)
            return
        }
        let scale = Float(1 / (1 - rate))
        // A 24-bit uniform per activation against the rate's threshold.
        let threshold = UInt64((rate * Double(1 << 24)).rounded())
        let m = multipliers.pointer
        var i = 0
        while i < count {
            // Two draws per 64 random bits.
            var bits = generator.next()
            for _ in 0..<2 where i < count {
                m[i] = (bits & 0xFF_FFFF) < threshold ? 0 : scale
                y[i] = x[i] * m[i]
                bits >>= 32
                i += 1
            }
        }
    }

    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                  outputGradient dy: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, rows: Int) {
        guard let dx else { return }
        let count = rows * shape.features
        guard rate > 0 else {
            dx.update(from: dy, count: count)
            return
        }
        let m = multipliers.pointer
        for i in 0..<count { dx[i] = dy[i] * m[i] }
    }
}
