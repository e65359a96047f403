import LotteryCore

/// The training examples on which every evaluation measures training loss and accuracy:
/// a fixed sample of `size` of the dataset's training examples (all of them when there
/// are fewer), never validation ones.
///
/// The sample is drawn from `Dataset.trainIndices` by a generator with a fixed seed, so it
/// depends on the split alone (the data and the split seed): every trial of a sweep, on
/// every worker, measures the same examples, and a run draws it once. Evaluating the
/// whole training split instead would cost 55,000 forward passes per evaluation for
/// MNIST, 3.7 times what validation and test together cost.
public enum TrainingSample {
    /// Examples in the sample: as many as the validation set the paper holds out, which
    /// puts the standard error of a 90% accuracy at about 0.4 points.
    public static let size = 5_000

    /// The sample's indices into `dataset.trainFile`, ascending (so that forming its
    /// batches reads memory in order).
    public static func indices(of dataset: Dataset, size: Int = TrainingSample.size) -> [Int32] {
        let all = dataset.trainIndices
        guard size < all.count else { return all }
        guard size > 0 else { return [] }
        // A partial Fisher–Yates shuffle: the first `size` positions are a uniform sample.
        var order = all
        var generator = SeededGenerator(seed: 0, stream: "training-sample")
        for position in 0..<size {
            order.swapAt(position, position + generator.nextIndex(below: order.count - position))
        }
        return order[0..<size].sorted()
    }
}
