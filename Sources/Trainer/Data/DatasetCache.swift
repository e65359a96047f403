import LotteryCore
import Synchronization

/// Datasets already read by this process. The files of a dataset are read once;
/// each validation split over them is made once.
public final class DatasetCache: Sendable {
    public static let shared = DatasetCache()

    private let loaded = Mutex<[DataSpec: Dataset]>([:])
    /// Held while a dataset is made: two trials asking for one at once (a worker's
    /// slots at start) read its files once, the second waiting for the first.
    private let making = Mutex<Void>(())

    public init() {}

    public func dataset(for requested: DataSpec) throws -> Dataset {
        // The dataset's standard folder named or implied is the same folder.
        var spec = requested
        if spec.path == nil { spec.path = DatasetInfo.named(spec.dataset)?.defaultPath }
        if let dataset = loaded.withLock({ $0[spec] }) { return dataset }
        return try making.withLock { _ in try make(spec) }
    }

    private func make(_ spec: DataSpec) throws -> Dataset {
        if let dataset = loaded.withLock({ $0[spec] }) { return dataset }  // made while this one waited
        // Another split of files already read shares their bytes.
        let sameFiles = loaded.withLock { cache in
            cache.first { $0.key.dataset == spec.dataset && $0.key.path == spec.path }?.value
        }
        let dataset: Dataset
        if let sameFiles {
            dataset = try Dataset(info: sameFiles.info, folder: sameFiles.folder, trainFile: sameFiles.trainFile,
                                  test: sameFiles.test, validationSize: spec.validationSize,
                                  splitSeed: spec.splitSeed, normalize: spec.normalize,
                                  fingerprint: sameFiles.fingerprint)
        } else {
            dataset = try Dataset.load(spec)
        }
        loaded.withLock { $0[spec] = dataset }
        return dataset
    }
}
