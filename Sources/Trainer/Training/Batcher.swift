import SweepPlan

/// Forms batches: copies examples' bytes into the network's input as normalised
/// floats (one table lookup per pixel) and their labels alongside.
final class Batcher {
    let dataset: Dataset
    let network: Network
    let labels: UnsafeMutablePointer<Int32>
    private let tables: [[Float]]

    init(dataset: Dataset, network: Network) {
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
    func load(indices: UnsafeBufferPointer<Int32>, from examples: Examples) {
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
                // 16 examples at a time, so that each feature's 16 values fill one
                // cache line of the input while the 16 sources stay in cache.
                let lanes = ActivationLayout.lanes(rows: rows)
                withUnsafeTemporaryAllocation(of: UnsafePointer<UInt8>.self, capacity: 16) { sources in
                    for first in stride(from: 0, to: rows, by: 16) {
                        let count = min(16, rows - first)
                        for r in 0..<count {
                            sources[r] = pixels.baseAddress! + Int(indices[first + r]) * features
                        }
                        for (channel, table) in tables.enumerated() {
                            table.withUnsafeBufferPointer { lookup in
                                for i in (channel * plane)..<((channel + 1) * plane) {
                                    let destination = input + i * lanes + first
                                    for r in 0..<count { destination[r] = lookup[Int(sources[r][i])] }
                                }
                            }
                        }
                    }
                }
                if lanes > rows {
                    for i in 0..<features { (input + i * lanes + rows).update(repeating: 0, count: lanes - rows) }
                }
            }
        }
    }

    /// Mean loss and accuracy over `indices` of `examples` (all of them when nil).
    func evaluate(indices: [Int32]?, from examples: Examples, iteration: Int, split: Split) -> Evaluation? {
        let all = indices ?? (0..<Int32(examples.count)).map { $0 }
        guard !all.isEmpty else { return nil }
        var lossSum = 0.0
        var correct = 0
        all.withUnsafeBufferPointer { pointer in
            var start = 0
            while start < all.count {
                let rows = min(network.capacity, all.count - start)
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
