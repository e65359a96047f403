import Foundation
import Testing
@testable import Trainer

struct SeededGeneratorTests {
    /// Pinned outputs: a change here changes every θ0 ever drawn, so it must be
    /// deliberate. These values are the same on every machine.
    @Test func streamsArePinned() {
        var generator = SeededGenerator(seed: 0)
        #expect([generator.next(), generator.next()] == [11_091_344_671_253_066_420, 13_793_997_310_169_335_082])
        var named = SeededGenerator(seed: 42, stream: "init", index: 3)
        let gaussian = named.nextGaussian()
        #expect(gaussian.bitPattern == 4_605_944_209_430_281_112)
    }

    @Test func theSameSeedGivesTheSameThetaZeroBitForBit() throws {
        let a = try Network(model: .mlp(hidden: [300, 100]), inputShape: [1, 28, 28], classes: 10, capacity: 1)
        let b = try Network(model: .mlp(hidden: [300, 100]), inputShape: [1, 28, 28], classes: 10, capacity: 1)
        a.initialize(seed: 3)
        b.initialize(seed: 3)
        #expect(Weights(of: a) == Weights(of: b))
        // A fingerprint of θ0 for seed 3, pinned: FNV-1a over every weight's bits.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for parameter in a.parameters {
            for i in 0..<parameter.count {
                hash = (hash ^ UInt64(parameter.value[i].bitPattern)) &* 0x100_0000_01b3
            }
        }
        #expect(hash == 16_210_518_891_737_974_058)
    }

    @Test func glorotScaleIsRight() throws {
        let network = try Network(model: .mlp(hidden: [300]), inputShape: [1, 28, 28], classes: 10, capacity: 1)
        network.initialize(seed: 1)
        let values = network.weights[0].value.array.map(Double.init)
        let variance = values.map { $0 * $0 }.reduce(0, +) / Double(values.count)
        #expect(abs(variance - 2.0 / (784 + 300)) / (2.0 / (784 + 300)) < 0.02)
    }

    @Test func portableLogMatchesLibm() {
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<10_000 {
            let x = generator.nextUnitDouble() * 1e3 + 1e-300
            let exact = Foundation.log(x)
            #expect(abs(PortableMath.log(x) - exact) <= 4 * exact.ulp.magnitude + 1e-300)
        }
        #expect(PortableMath.log(1) == 0)
    }

    @Test func indicesAreUniformEnough() {
        var generator = SeededGenerator(seed: 4)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[generator.nextIndex(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }
}
