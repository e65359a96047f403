#if canImport(Glibc)
import Glibc
#endif

/// Softmax and cross-entropy fused: the loss and ∂loss/∂logits in one pass,
/// computed stably (logits shifted by their row maximum).
enum SoftmaxCrossEntropy {
    /// Returns the summed loss and the number of correct argmax predictions.
    /// Writes ∂(mean loss)/∂logits into `gradient` when given, in the logits'
    /// layout (in `.features`, zero in the padding lanes). Each example's
    /// arithmetic is the same in either layout.
    static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int,
                         layout: ActivationLayout = .examples,
                         gradient: UnsafeMutablePointer<Float>?) -> (lossSum: Double, correct: Int) {
        // Class j of example `row` is at `row · rowStride + j · classStride`.
        let lanes = ActivationLayout.lanes(rows: rows)
        let (rowStride, classStride) = layout == .examples ? (classes, 1) : (1, lanes)
        var lossSum = 0.0
        var correct = 0
        let scale = 1 / Float(rows)
        for row in 0..<rows {
            let z = logits + row * rowStride
            let label = Int(labels[row])
            var maximum = z[0]
            var argmax = 0
            for j in 1..<classes where z[j * classStride] > maximum {
                maximum = z[j * classStride]
                argmax = j
            }
            if argmax == label { correct += 1 }
            var sum: Float = 0
            for j in 0..<classes { sum += expf(z[j * classStride] - maximum) }
            lossSum += Double(logf(sum) - (z[label * classStride] - maximum))
            if let gradient {
                let g = gradient + row * rowStride
                let inverse = 1 / sum
                for j in 0..<classes {
                    g[j * classStride] = expf(z[j * classStride] - maximum) * inverse * scale
                }
                g[label * classStride] -= scale
            }
        }
        if let gradient, layout == .features, lanes > rows {
            for j in 0..<classes { (gradient + j * lanes + rows).update(repeating: 0, count: lanes - rows) }
        }
        return (lossSum, correct)
    }
}
