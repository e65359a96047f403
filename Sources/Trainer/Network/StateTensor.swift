/// A tensor that training changes but the optimizer does not: batch
/// normalization's running mean and variance. Snapshots (`Weights`) carry these
/// with the parameters, so that resetting to θ0 or rewinding to iteration k
/// restores them as they were then.
public final class StateTensor: @unchecked Sendable {
    // @unchecked: owned by one network, used by one thread at a time.
    /// `conv3.bn.running_mean`, `conv3.bn.running_var`.
    public let name: String
    public let value: FloatBuffer
    /// What it holds before any training: 0 for a mean, 1 for a variance.
    public let initialValue: Float

    init(name: String, count: Int, initialValue: Float) {
        self.name = name
        self.value = FloatBuffer(count: count, value: initialValue)
        self.initialValue = initialValue
    }

    public var count: Int { value.count }

    /// Back to the untrained value, as θ0 has it.
    public func reset() {
        value.fill(initialValue)
    }
}
