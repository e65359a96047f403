import LotteryCore
import Testing

@testable import Trainer

struct PrunerTests {
    /// LeNet-300-100's prunable layers with random weights.
    private func lenet(seed: UInt64) throws -> (Mask, Weights) {
        let network = try Network(model: Preset.lenet300100.model, inputShape: [1, 28, 28], classes: 10, capacity: 1)
        network.initialize(seed: seed)
        return (Mask.dense(for: network), Weights(of: network))
    }

    @Test func countToPruneRoundsHalvesUp() {
        #expect(PruningSpec.countToPrune(rate: 0.2, remaining: 235_200) == 47_040)
        #expect(PruningSpec.countToPrune(rate: 0.1, remaining: 5) == 1)   // 0.5 rounds up
        #expect(PruningSpec.countToPrune(rate: 0.1, remaining: 4) == 0)   // 0.4 rounds down
        #expect(PruningSpec.countToPrune(rate: 0.2, remaining: 7) == 1)   // 1.4
        #expect(PruningSpec.countToPrune(rate: 0.2, remaining: 8) == 2)   // 1.6
        #expect(PruningSpec.countToPrune(rate: 0, remaining: 100) == 0)
        #expect(PruningSpec.countToPrune(rate: 0.2, remaining: 0) == 0)
    }

    @Test func layerwiseCountsAfterEachRoundFollowTheDocumentedRule() throws {
        var (mask, weights) = try lenet(seed: 1)
        let spec = Preset.lenet300100.pruning
        var expected = mask.layers.map(\.keep.count)
        for _ in 1...5 {
            mask = try Pruner.prune(mask, by: weights, spec: spec)
            expected = zip(expected, mask.layers).map { remaining, layer in
                remaining - PruningSpec.countToPrune(rate: spec.rates[layer.kind], remaining: remaining)
            }
            #expect(mask.layers.map(\.remaining) == expected)
            // Pruning again must judge the same weights: keep them as trained.
            var generator = SeededGenerator(seed: 2)
            weights = Weights(tensors: weights.tensors.map { tensor in
                Weights.Tensor(name: tensor.name, values: tensor.values.map { $0 + Float(generator.nextGaussian()) * 0.01 })
            })
        }
        // fc layers at 20% a round keep about 0.8^5 = 32.8%, the output layer at 10% about 0.9^5 = 59%.
        let densities = mask.densities
        #expect(abs(densities[0].percentRemaining - 32.768) < 0.01)
        #expect(abs(densities[1].percentRemaining - 32.768) < 0.05)
        #expect(abs(densities[2].percentRemaining - 59.049) < 0.2)
        #expect(densities[2].kind == .output)
    }

    /// Conv kernels are pruned like any layer: layer-wise at the conv rate, pooled
    /// with the others by global pruning, and shuffled by random pruning.
    @Test func convKernelsArePrunedByEveryMode() throws {
        let network = try Network(model: Preset.conv2.model, inputShape: [1, 28, 28], classes: 10, capacity: 1)
        network.initialize(seed: 4)
        let mask = Mask.dense(for: network)
        let weights = Weights(of: network)
        #expect(mask.layers.map(\.kind) == [.conv, .conv, .fc, .fc, .output])

        let layerwise = try Pruner.prune(mask, by: weights, spec: Preset.conv2.pruning)
        #expect(layerwise.layers.map(\.remaining) == mask.layers.map { layer in
            layer.keep.count - PruningSpec.countToPrune(rate: Preset.conv2.pruning.rates[layer.kind],
                                                        remaining: layer.keep.count)
        })
        #expect(layerwise.layers[1].remaining == 36_864 - 3_686)

        let global = try Pruner.prune(mask, by: weights, spec: PruningSpec(scope: .global, rates: LayerRates(conv: 0.2)))
        let conv = global.layers.filter { $0.kind == .conv }
        #expect(conv.reduce(0) { $0 + $1.remaining } == 37_440 - PruningSpec.countToPrune(rate: 0.2, remaining: 37_440))
        #expect(global.layers.filter { $0.kind != .conv }.allSatisfy { $0.remaining == $0.keep.count })

        let random = Pruner.randomMask(like: layerwise, seed: 5, replicate: 0)
        #expect(random.layers.map(\.remaining) == layerwise.layers.map(\.remaining))
        #expect(random.layers[1].keep != layerwise.layers[1].keep)
    }

    @Test func layerwisePruningRemovesTheSmallestMagnitudes() throws {
        let (mask, weights) = try lenet(seed: 3)
        let pruned = try Pruner.prune(mask, by: weights, spec: Preset.lenet300100.pruning)
        for layer in pruned.layers {
            let values = weights[layer.name + ".weight"]!
            let kept = values.indices.filter { layer.keep[$0] == 1 }.map { abs(values[$0]) }
            let removed = values.indices.filter { layer.keep[$0] == 0 }.map { abs(values[$0]) }
            #expect(removed.max()! <= kept.min()!)
        }
    }

    @Test func alreadyPrunedWeightsAreNotCountedAgain() throws {
        let (mask, weights) = try lenet(seed: 4)
        let once = try Pruner.prune(mask, by: weights, spec: Preset.lenet300100.pruning)
        // The same weights again: the second round takes 20% of what is left, all new.
        let twice = try Pruner.prune(once, by: weights, spec: Preset.lenet300100.pruning)
        for (first, second) in zip(once.layers, twice.layers) {
            let rate = Preset.lenet300100.pruning.rates[first.kind]
            #expect(second.remaining == first.remaining - PruningSpec.countToPrune(rate: rate, remaining: first.remaining))
            for i in first.keep.indices where first.keep[i] == 0 { #expect(second.keep[i] == 0) }
        }
    }

    @Test func globalPruningPoolsLayersAndDiffersFromLayerwise() throws {
        let (mask, weights) = try lenet(seed: 5)
        // Scale fc2's weights down: globally it should lose far more than 20%.
        var scaled = weights
        for index in scaled.tensors.indices where scaled.tensors[index].name == "fc2.weight" {
            scaled.tensors[index].values = scaled.tensors[index].values.map { $0 * 0.2 }
        }
        let rates = LayerRates(fc: 0.2, output: 0.2)
        let global = try Pruner.prune(mask, by: scaled, spec: PruningSpec(scope: .global, rates: rates))
        let layerwise = try Pruner.prune(mask, by: scaled, spec: PruningSpec(scope: .layerwise, rates: rates))
        let total = mask.layers.reduce(0) { $0 + $1.remaining }
        let globalRemaining = global.layers.reduce(0) { $0 + $1.remaining }
        #expect(globalRemaining == total - PruningSpec.countToPrune(rate: 0.2, remaining: total))
        #expect(layerwise.densities.allSatisfy { abs($0.percentRemaining - 80) < 0.1 })
        #expect(global.densities[1].percentRemaining < 60)   // fc2, the small one, pruned hardest
        #expect(global.densities[0].percentRemaining > 80)   // fc1 spared
        // One threshold: every removed weight is no larger than every kept one, across layers.
        var kept: [Float] = [], removed: [Float] = []
        for layer in global.layers {
            let values = scaled[layer.name + ".weight"]!
            for i in values.indices { (layer.keep[i] == 1 ? { kept.append(abs(values[i])) } : { removed.append(abs(values[i])) })() }
        }
        #expect(removed.max()! <= kept.min()!)
    }

    /// The threshold selection against its definition: sort the kept weights by
    /// (magnitude, layer, index) and remove the first `count`, on weights with many
    /// ties (a few distinct magnitudes, both signs) and an earlier round's holes.
    @Test(arguments: [PruningSpec.Scope.layerwise, .global])
    func pruningMatchesSortingByMagnitudeThenPosition(scope: PruningSpec.Scope) throws {
        var generator = SeededGenerator(seed: 3, stream: "ties")
        let sizes = [("conv1", LayerKind.conv, 300), ("conv2", .conv, 517), ("conv2.shortcut", .conv, 64),
                     ("output", .output, 50)]
        var mask = Mask(layers: sizes.map { name, kind, count in
            LayerMask(name: name, kind: kind, keep: (0..<count).map { _ in generator.nextIndex(below: 5) == 0 ? 0 : 1 })
        })
        let weights = Weights(tensors: sizes.map { name, _, count in
            Weights.Tensor(name: name + ".weight",
                           values: (0..<count).map { _ in Float(generator.nextIndex(below: 7)) * (generator.nextIndex(below: 2) == 0 ? -0.25 : 0.25) })
        })
        let spec = PruningSpec(scope: scope, rates: LayerRates(conv: 0.3, output: scope == .global ? 0 : 0.1))
        for _ in 0..<2 {
            let pruned = try Pruner.prune(mask, by: weights, spec: spec)
            // The reference: sort (magnitude, layer, index) of each group and cut.
            var expected = mask
            let groups: [[Int]] = scope == .global ? [[0, 1, 2]] : [[0], [1], [2], [3]]
            for group in groups {
                var candidates: [(Float, Int, Int)] = []
                for layer in group {
                    let values = weights[mask.layers[layer].name + ".weight"]!
                    for i in values.indices where mask.layers[layer].keep[i] == 1 { candidates.append((abs(values[i]), layer, i)) }
                }
                candidates.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
                let count = PruningSpec.countToPrune(rate: spec.rates[mask.layers[group[0]].kind], remaining: candidates.count)
                for (_, layer, i) in candidates.prefix(count) { expected.layers[layer].keep[i] = 0 }
            }
            #expect(pruned == expected)
            mask = pruned
        }
        #expect(Pruner.smallest(3, of: [2, 1, 1, 0, 1, 2]) == [1, 2, 3])
        #expect(Pruner.smallest(0, of: [1]) == [])
    }

    @Test func globalPruningLeavesKindsAtRateZeroAlone() throws {
        let (mask, weights) = try lenet(seed: 6)
        let pruned = try Pruner.prune(mask, by: weights, spec: PruningSpec(scope: .global, rates: LayerRates(fc: 0.2)))
        #expect(pruned.densities[2].remaining == pruned.densities[2].total)
    }

    @Test func globalPruningRefusesDifferentRatesInThePool() throws {
        let (mask, weights) = try lenet(seed: 6)
        #expect(throws: TrainerError.self) {
            try Pruner.prune(mask, by: weights, spec: PruningSpec(scope: .global, rates: LayerRates(fc: 0.2, output: 0.1)))
        }
    }

    @Test func randomMaskKeepsPerLayerCountsAndIsSeeded() throws {
        let (mask, weights) = try lenet(seed: 7)
        let pruned = try Pruner.prune(mask, by: weights, spec: Preset.lenet300100.pruning)
        let random = Pruner.randomMask(like: pruned, seed: 1, replicate: 0)
        #expect(random.layers.map(\.remaining) == pruned.layers.map(\.remaining))
        #expect(random != pruned)
        #expect(Pruner.randomMask(like: pruned, seed: 1, replicate: 0) == random)
        #expect(Pruner.randomMask(like: pruned, seed: 1, replicate: 1) != random)
    }
}
