/// The mean of each channel over its plane: `channels × h × w` to `channels × 1 × 1`
/// (ResNet's and VGG's last pooling before the output layer).
final class GlobalAveragePoolLayer: Layer {
    let input: ActivationShape

    init(input: ActivationShape) {
        self.input = input
    }

    var inputFeatures: Int { input.features }
    var outputFeatures: Int { input.channels }
    var parameters: [Parameter] { [] }

    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, training: Bool) {
        let plane = input.height * input.width
        let scale = 1 / Float(plane)
        for index in 0..<(rows * input.channels) {
            y[index] = BatchNormalization.sum(x + index * plane, count: plane) * scale
        }
    }

    func backward(input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                  outputGradient dy: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, rows: Int) {
        guard let dx else { return }
        let plane = input.height * input.width
        let scale = 1 / Float(plane)
        for index in 0..<(rows * input.channels) {
            (dx + index * plane).update(repeating: dy[index] * scale, count: plane)
        }
    }
}
