import LotteryCore

/// Forms batches: copies examples' bytes into the network's input as normalised
/// floats (one table lookup per pixel) and their labels alongside.
package final class Batcher {
    let dataset: Dataset
    let network: Network
    package let labels: UnsafeMutablePointer<Int32>
    private let tables: [[Float]]
    /// Evaluated examples regrouped for a `.features` input, by split.
    private var regrouped: [Split: FeatureMajorExamples] = [:]

    package init(dataset: Dataset, network: Network) {
        self.dataset = dataset
        self.network = network
        labels = .allocate(capacity: network.capacity)
        tables = dataset.normalization.tables
    }

    deinit {
        labels.deallocate()
    }

    /// Loads the examples at `indices` (at most `capacity`) of `examples`, in the
    /// layout the network's first layer reads.
    package func load(indices: UnsafeBufferPointer<Int32>, from examples: Examples) {
        let features = examples.featuresPerExample
        let plane = features / tables.count
        let input = network.input
        let rows = indices.count
        for (row, index) in indices.enumerated() {
            labels[row] = Int32(examples.labels[Int(index)])
        }
        examples.pixels.withUnsafeBufferPointer { pixels in
            switch network.inputLayout {
            case .examples:
                for (row, index) in indices.enumerated() {
                    let source = pixels.baseAddress! + Int(index) * features
                    let destination = input + row * features
                    for (channel, table) in tables.enumerated() {
                        table.withUnsafeBufferPointer { lookup in
                            let offset = channel * plane
                            for i in offset..<(offset + plane) {
                                destination[i] = lookup[Int(source[i])]
                            }
                        }
                    }
                }
            case .features:
                // Eight examples at a time, their source pointers in registers:
                // each feature's eight values go to one 32-byte run of the input.
                let lanes = ActivationLayout.lanes(rows: rows)
                let base = pixels.baseAddress!
                func source(_ row: Int) -> UnsafePointer<UInt8> { base + Int(indices[row]) * features }
                var first = 0
                while first < rows {
                    let count = min(8, rows - first)
                    for (channel, table) in tables.enumerated() {
                        table.withUnsafeBufferPointer { lookup in
                            let t = lookup.baseAddress!
                            let range = (channel * plane)..<((channel + 1) * plane)
                            if count == 8 {
                                let s0 = source(first), s1 = source(first + 1), s2 = source(first + 2)
                                let s3 = source(first + 3), s4 = source(first + 4), s5 = source(first + 5)
                                let s6 = source(first + 6), s7 = source(first + 7)
                                for i in range {
                                    let d = input + i * lanes + first
                                    d[0] = t[Int(s0[i])]
                                    d[1] = t[Int(s1[i])]
                                    d[2] = t[Int(s2[i])]
                                    d[3] = t[Int(s3[i])]
                                    d[4] = t[Int(s4[i])]
                                    d[5] = t[Int(s5[i])]
                                    d[6] = t[Int(s6[i])]
                                    d[7] = t[Int(s7[i])]
                                }
                            } else {
                                for r in first..<(first + count) {
                                    let s = source(r)
                                    for i in range { input[i * lanes + r] = t[Int(s[i])] }
                                }
                            }
                        }
                    }
                    first += count
                }
                if lanes > rows {
                    for i in 0..<features { (input + i * lanes + rows).update(repeating: 0, count: lanes - rows) }
                }
            }
        }
    }

    /// Mean loss and accuracy over `indices` of `examples` (all of them when nil).
    package func evaluate(indices: [Int32]?, from examples: Examples, iteration: Int, split: Split) -> Evaluation? {
        network.withFrozenWeights {
            evaluateSlices(indices: indices, from: examples, iteration: iteration, split: split)
        }
    }

    private func evaluateSlices(indices: [Int32]?, from examples: Examples, iteration: Int, split: Split) -> Evaluation? {
        let all = indices ?? (0..<Int32(examples.count)).map { $0 }
        guard !all.isEmpty else { return nil }
        var lossSum = 0.0
        var correct = 0
        if network.inputLayout == .features {
            if regrouped[split]?.indices != all || regrouped[split]?.slice != network.evaluationSlice {
                regrouped[split] = FeatureMajorExamples(indices: all, of: examples, slice: network.evaluationSlice)
            }
            let slices = regrouped[split]!
            for number in 0..<slices.sliceCount {
                let rows = slices.load(slice: number, into: network.input, tables: tables)
                for r in 0..<rows { labels[r] = slices.labels[number * slices.slice + r] }
                let result = network.evaluate(labels: labels, rows: rows)
                lossSum += result.lossSum
                correct += result.correct
            }
            return Evaluation(iteration: iteration, split: split, loss: lossSum / Double(all.count),
                              accuracy: Double(correct) / Double(all.count))
        }
        all.withUnsafeBufferPointer { pointer in
            var start = 0
            while start < all.count {
                let rows = min(network.evaluationSlice, all.count - start)
                load(indices: UnsafeBufferPointer(rebasing: pointer[start..<(start + rows)]), from: examples)
                let result = network.evaluate(labels: labels, rows: rows)
                lossSum += result.lossSum
                correct += result.correct
                start += rows
            }
        }
        return Evaluation(iteration: iteration, split: split, loss: lossSum / Double(all.count),
                          accuracy: Double(correct) / Double(all.count))
    }
}
