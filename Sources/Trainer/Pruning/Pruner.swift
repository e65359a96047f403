import SweepPlan

/// Magnitude pruning and its random control.
public enum Pruner {
    /// One pruning round: removes the smallest-magnitude weights among those
    /// `mask` still keeps, judged by `weights` (the trained weights).
    ///
    /// Layer-wise, each layer loses `PruningSpec.countToPrune(rate of its kind,
    /// its remaining count)` weights. Globally, the layers whose kind has a
    /// non-zero rate are pooled and lose `countToPrune(rate, pooled remaining)`
    /// together. Ties in magnitude are broken by position (earlier layer, then
    /// lower index, pruned first), so the result is deterministic.
    public static func prune(_ mask: Mask, by weights: Weights, spec: PruningSpec) throws -> Mask {
        var candidates: [[(magnitude: Float, index: Int)]] = []
        for layer in mask.layers {
            guard let values = weights[layer.name + ".weight"], values.count == layer.keep.count else {
                throw TrainerError.invalidRun("the trained weights have no tensor \(layer.name).weight "
                    + "of \(layer.keep.count) values to prune by")
            }
            var remaining: [(magnitude: Float, index: Int)] = []
            remaining.reserveCapacity(layer.keep.count)
            for index in 0..<values.count where layer.keep[index] != 0 {
                remaining.append((abs(values[index]), index))
            }
            candidates.append(remaining)
        }
        var result = mask
        switch spec.scope {
        case .layerwise:
            for (layerIndex, layer) in mask.layers.enumerated() {
                let count = PruningSpec.countToPrune(rate: spec.rates[layer.kind],
                                                     remaining: candidates[layerIndex].count)
                for victim in smallest(count, of: candidates[layerIndex]) {
                    result.layers[layerIndex].keep[victim.index] = 0
                }
            }
        case .global:
            let pooled = mask.layers.indices.filter { spec.rates[mask.layers[$0].kind] > 0 }
            let rates = Set(pooled.map { spec.rates[mask.layers[$0].kind] })
            guard rates.count <= 1, let rate = rates.first else {
                if rates.isEmpty { return result }
                throw TrainerError.invalidRun("global pruning pools layers at one rate; the pooled kinds have rates "
                    + rates.sorted().map { String($0) }.joined(separator: ", "))
            }
            // Number the pooled candidates in order (layer, then index), which is
            // also the tie-break order, and remember whose each one is.
            let pooledCount = pooled.reduce(0) { $0 + candidates[$1].count }
            var pooledCandidates: [(magnitude: Float, index: Int)] = []
            pooledCandidates.reserveCapacity(pooledCount)
            var position = 0
            var owners: [(layer: Int, index: Int)] = []
            owners.reserveCapacity(pooledCount)
            for layerIndex in pooled {
                for candidate in candidates[layerIndex] {
                    pooledCandidates.append((candidate.magnitude, position))
                    owners.append((layerIndex, candidate.index))
                    position += 1
                }
            }
            let count = PruningSpec.countToPrune(rate: rate, remaining: pooledCandidates.count)
            for victim in smallest(count, of: pooledCandidates) {
                let owner = owners[victim.index]
                result.layers[owner.layer].keep[owner.index] = 0
            }
        }
        return result
    }

    /// A random mask with the same number of kept weights in each layer as `mask`
    /// (the random-pruning control), positions drawn uniformly from the whole layer.
    public static func randomMask(like mask: Mask, seed: UInt64, replicate: Int) -> Mask {
        Mask(layers: mask.layers.enumerated().map { layerIndex, layer in
            var generator = SeededGenerator(seed: seed, stream: "random-prune:\(replicate)", index: layerIndex)
            var positions = Array(0..<layer.keep.count)
            let kept = layer.remaining
            // Partial Fisher–Yates: the first `kept` positions are a uniform sample.
            for i in 0..<kept {
                let j = i + generator.nextIndex(below: positions.count - i)
                positions.swapAt(i, j)
            }
            var keep = [UInt8](repeating: 0, count: layer.keep.count)
            for position in positions[0..<kept] { keep[position] = 1 }
            return LayerMask(name: layer.name, kind: layer.kind, keep: keep)
        })
    }

    private static func smallest(_ count: Int, of candidates: [(magnitude: Float, index: Int)])
        -> ArraySlice<(magnitude: Float, index: Int)> {
        guard count > 0 else { return [] }
        let sorted = candidates.sorted { $0.magnitude < $1.magnitude || ($0.magnitude == $1.magnitude && $0.index < $1.index) }
        return sorted[0..<count]
    }
}
