import LotteryCore

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
        var values: [[Float]] = []
        for layer in mask.layers {
            guard let tensor = weights[layer.name + ".weight"], tensor.count == layer.keep.count else {
                throw TrainerError.invalidRun("the trained weights have no tensor \(layer.name).weight "
                    + "of \(layer.keep.count) values to prune by")
            }
            values.append(tensor)
        }
        var result = mask
        switch spec.scope {
        case .layerwise:
            for (layerIndex, layer) in mask.layers.enumerated() {
                var candidates = Candidates()
                candidates.add(layer, values: values[layerIndex])
                let count = PruningSpec.countToPrune(rate: spec.rates[layer.kind], remaining: candidates.count)
                for victim in smallest(count, of: candidates.magnitudes) {
                    result.layers[layerIndex].keep[Int(candidates.positions[victim])] = 0
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
            // The pooled candidates in order (layer, then index), which is also the
            // tie-break order; `starts` says where each pooled layer's begin.
            var candidates = Candidates()
            var starts: [Int] = []
            for layerIndex in pooled {
                starts.append(candidates.count)
                candidates.add(mask.layers[layerIndex], values: values[layerIndex])
            }
            let count = PruningSpec.countToPrune(rate: rate, remaining: candidates.count)
            var owner = 0
            // Victims come in increasing order, so their owners do too.
            for victim in smallest(count, of: candidates.magnitudes) {
                while owner + 1 < starts.count && victim >= starts[owner + 1] { owner += 1 }
                result.layers[pooled[owner]].keep[Int(candidates.positions[victim])] = 0
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

    /// The weights a mask still keeps: their magnitudes and their positions in
    /// their layer, 8 bytes each (VGG-19's global pool holds 20 million).
    private struct Candidates {
        var magnitudes: [Float] = []
        var positions: [Int32] = []

        var count: Int { magnitudes.count }

        mutating func add(_ layer: LayerMask, values: [Float]) {
            let kept = layer.remaining
            magnitudes.reserveCapacity(magnitudes.count + kept)
            positions.reserveCapacity(positions.count + kept)
            for index in 0..<values.count where layer.keep[index] != 0 {
                magnitudes.append(abs(values[index]))
                positions.append(Int32(index))
            }
        }
    }

    /// Indices (into `magnitudes`), in increasing order, of the `count` smallest
    /// magnitudes, ties going to the lower index: the first `count` after sorting by
    /// (magnitude, index). Found by a threshold (the count-th smallest magnitude)
    /// rather than by sorting the pairs, which for a pool of millions took gigabytes.
    static func smallest(_ count: Int, of magnitudes: [Float]) -> [Int] {
        guard count > 0 else { return [] }
        precondition(count <= magnitudes.count)
        let threshold = magnitudes.sorted()[count - 1]
        var ties = count - magnitudes.reduce(0) { $0 + ($1 < threshold ? 1 : 0) }
        var victims: [Int] = []
        victims.reserveCapacity(count)
        for (index, magnitude) in magnitudes.enumerated() {
            if magnitude < threshold {
                victims.append(index)
            } else if magnitude == threshold, ties > 0 {
                victims.append(index)
                ties -= 1
            }
        }
        return victims
    }
}
