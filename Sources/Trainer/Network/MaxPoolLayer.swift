/// 2×2 max-pool with stride 2, per channel. An odd last row or column is dropped,
/// as PyTorch's `MaxPool2d(2)` does.
final class MaxPoolLayer: Layer {
    let input: ActivationShape
    let output: ActivationShape
    /// Which of the four inputs won, per output of the last training forward
    /// (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right).
    private let winners: UnsafeMutablePointer<UInt8>

    init(input: ActivationShape, capacity: Int) {
        self.input = input
        output = ActivationShape(channels: input.channels, height: input.height / 2, width: input.width / 2)
        winners = .allocate(capacity: max(1, capacity * output.features))
    }

    deinit {
        winners.deallocate()
    }

    var inputFeatures: Int { input.features }
    var outputFeatures: Int { output.features }
    var parameters: [Parameter] { [] }

    /// Planes (one channel of one example) are pooled each on its own: the lanes take planes.
    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        let w = input.width
        let winners = winners
        Lanes.split(rows * input.channels) { planes in
            var out = planes.lowerBound * output.height * output.width
            for plane in planes {
                let source = x + plane * input.height * w
                for oy in 0..<output.height {
                    let top = source + 2 * oy * w
                    for ox in 0..<output.width {
                        let p = top + 2 * ox
                        // Ties go to the first in reading order.
                        var best = p[0]
                        var winner: UInt8 = 0
                        if p[1] > best { best = p[1]; winner = 1 }
                        if p[w] > best { best = p[w]; winner = 2 }
                        if p[w + 1] > best { best = p[w + 1]; winner = 3 }
                        y[out] = best
                        if training { winners[out] = winner }
                        out += 1
                    }
                }
            }
        }
    }

    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                  outputGradient dy: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, rows: Int) {
        guard let dx else { return }
        let w = input.width, inputPlane = input.height * w
        let winners = winners
        Lanes.split(rows * input.channels) { planes in
            (dx + planes.lowerBound * inputPlane).update(repeating: 0, count: planes.count * inputPlane)
            var out = planes.lowerBound * output.height * output.width
            for plane in planes {
                let target = dx + plane * inputPlane
                for oy in 0..<output.height {
                    let top = target + 2 * oy * w
                    for ox in 0..<output.width {
                        let winner = Int(winners[out])
                        top[2 * ox + (winner & 1) + (winner >> 1) * w] = dy[out]
                        out += 1
                    }
                }
            }
        }
    }
}
