import LotteryCore
import Testing

@testable import Trainer

/// Finite-difference checks: every parameter gradient the backward passes
/// compute agrees with the change of the loss when that parameter moves.
struct GradientTests {
    private func network(hidden: [Int], rows: Int, seed: UInt64) throws -> (Network, [Int32]) {
        let network = try Network(model: .mlp(hidden: hidden), inputShape: [1, 1, 7], classes: 5, capacity: rows)
        network.initialize(seed: seed)
        var generator = SeededGenerator(seed: seed, stream: "inputs")
        for i in 0..<(rows * 7) {
            network.input[i] = Float(generator.nextGaussian())
        }
        // Biases away from zero keep ReLU inputs off their kink.
        for parameter in network.parameters where !parameter.isPrunable {
            for i in 0..<parameter.count { parameter.value[i] = Float(generator.nextUnitDouble() * 0.2 + 0.05) }
        }
        let labels = (0..<rows).map { _ in Int32(generator.nextIndex(below: 5)) }
        return (network, labels)
    }

    private func meanLoss(_ network: Network, _ labels: [Int32]) -> Double {
        labels.withUnsafeBufferPointer { network.evaluate(labels: $0.baseAddress!, rows: labels.count).lossSum }
            / Double(labels.count)
    }

    @Test(arguments: [[Int](), [6], [6, 4]])
    func everyParameterGradientMatchesFiniteDifferences(hidden: [Int]) throws {
        let (network, labels) = try network(hidden: hidden, rows: 6, seed: 11)
        _ = labels.withUnsafeBufferPointer { network.forwardBackward(labels: $0.baseAddress!, rows: labels.count) }
        let analytic = network.parameters.map(\.gradient.array)
        let step: Float = 1e-2
        var checked = 0
        for (p, parameter) in network.parameters.enumerated() {
            for i in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 9)) {
                let original = parameter.value[i]
                parameter.value[i] = original + step
                let plus = meanLoss(network, labels)
                parameter.value[i] = original - step
                let minus = meanLoss(network, labels)
                parameter.value[i] = original
                let numeric = (plus - minus) / Double(2 * step)
                let exact = Double(analytic[p][i])
                #expect(abs(numeric - exact) <= 2e-3 + 2e-2 * abs(exact),
                        "\(parameter.name)[\(i)]: backward \(exact), finite difference \(numeric)")
                checked += 1
            }
        }
        #expect(checked >= 15)
    }

    @Test func lossGradientIsSoftmaxMinusOneHotOverRows() {
        let logits: [Float] = [1, 2, 0.5, -1, 0, 3]
        let labels: [Int32] = [1, 2]
        var gradient = [Float](repeating: 0, count: 6)
        let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, rows: 2, classes: 3,
                                                  gradient: &gradient)
        for row in 0..<2 {
            let z = logits[(row * 3)..<(row * 3 + 3)].map(Double.init)
            let sum = z.map { Foundation.exp($0) }.reduce(0, +)
            for j in 0..<3 {
                let softmax = Foundation.exp(z[j]) / sum
                let expected = (softmax - (j == Int(labels[row]) ? 1 : 0)) / 2
                #expect(abs(Double(gradient[row * 3 + j]) - expected) < 1e-6)
            }
        }
        let expectedLoss = -Foundation.log(Foundation.exp(2.0) / (Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(0.5)))
            - Foundation.log(Foundation.exp(3.0) / (Foundation.exp(-1.0) + 1 + Foundation.exp(3.0)))
        #expect(abs(result.lossSum - expectedLoss) < 1e-5)
        #expect(result.correct == 2)
    }

    @Test func lossGradientMatchesFiniteDifferences() {
        var logits: [Float] = [0.3, -1.2, 2.0, 0.7, 0.1, -0.4, 1.5, 0.0]
        let labels: [Int32] = [2, 0]
        var gradient = [Float](repeating: 0, count: 8)
        _ = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, rows: 2, classes: 4, gradient: &gradient)
        for i in 0..<8 {
            let original = logits[i]
            logits[i] = original + 1e-2
            let plus = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, rows: 2, classes: 4, gradient: nil)
            logits[i] = original - 1e-2
            let minus = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, rows: 2, classes: 4, gradient: nil)
            logits[i] = original
            let numeric = (plus.lossSum - minus.lossSum) / 2 / 2e-2
            #expect(abs(numeric - Double(gradient[i])) < 1e-3)
        }
    }
}

import Foundation
