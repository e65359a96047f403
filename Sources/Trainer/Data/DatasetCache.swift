import Synchronization
import SweepPlan

/// Datasets already read by this process, so the trials of a chain share one copy.
public final class DatasetCache: Sendable {
    public static let shared = DatasetCache()

    private let loaded = Mutex<[DataSpec: Dataset]>([:])

    public init() {}

    public func dataset(for spec: DataSpec) throws -> Dataset {
        if let dataset = loaded.withLock({ $0[spec] }) { return dataset }
        let dataset = try Dataset.load(spec)
        loaded.withLock { $0[spec] = dataset }
        return dataset
    }
}
