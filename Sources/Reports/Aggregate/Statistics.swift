import Foundation

/// Count, mean, sample standard deviation, minimum and maximum of some numbers.
public struct Statistics: Hashable, Sendable {
    public var n: Int
    public var mean: Double
    /// Sample standard deviation (divides by n − 1); nil when n < 2.
    public var std: Double?
    public var min: Double
    public var max: Double

    /// The statistics of the finite `values`; nil when there are none.
    public init?(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        guard let first = finite.first else { return nil }
        n = finite.count
        min = finite.reduce(first) { Swift.min($0, $1) }
        max = finite.reduce(first) { Swift.max($0, $1) }
        // Equal values have exactly their value as mean and 0 as spread (a rounded
        // sum would give 51.281…46 and 8.7e-15 for three copies of 51.281…47).
        mean = min == max ? first : finite.reduce(0, +) / Double(n)
        let mean = mean
        // Two passes: the squared deviations from the mean, not E[x²] − E[x]², which cancels.
        std = n < 2 ? nil : min == max ? 0
            : (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
    }
}

/// The mean, minimum and maximum of values added one at a time: the same numbers
/// `Statistics` gives for them in that order (the sum in order, and exactly the value when
/// all are equal), without holding them.
struct RunningRange {
    private(set) var count = 0
    private var sum = 0.0
    private let first: Double
    private(set) var min: Double
    private(set) var max: Double

    init(first: Double) {
        self.first = first
        min = first
        max = first
    }

    mutating func add(_ value: Double) {
        count += 1
        sum += value
        min = Swift.min(min, value)
        max = Swift.max(max, value)
    }

    var mean: Double { min == max ? first : sum / Double(count) }
}
