#if canImport(Glibc)
import Glibc
#endif

/// Softmax and cross-entropy fused: the loss and ∂loss/∂logits in one pass,
/// computed stably (logits shifted by their row maximum).
enum SoftmaxCrossEntropy {
    /// Returns the summed loss and the number of correct argmax predictions.
    /// Writes ∂(mean loss)/∂logits into `gradient` when given.
    static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, rows: Int, classes: Int,
                         gradient: UnsafeMutablePointer<Float>?) -> (lossSum: Double, correct: Int) {
        var lossSum = 0.0
        var correct = 0
        let scale = 1 / Float(rows)
        for row in 0..<rows {
            let z = logits + row * classes
            let label = Int(labels[row])
            var maximum = z[0]
            var argmax = 0
            for j in 1..<classes where z[j] > maximum {
                maximum = z[j]
                argmax = j
            }
            if argmax == label { correct += 1 }
            var sum: Float = 0
            for j in 0..<classes { sum += expf(z[j] - maximum) }
            lossSum += Double(logf(sum) - (z[label] - maximum))
            if let gradient {
                let g = gradient + row * classes
                let inverse = 1 / sum
                for j in 0..<classes {
                    g[j] = expf(z[j] - maximum) * inverse * scale
                }
                g[label] -= scale
            }
        }
        return (lossSum, correct)
    }
}
