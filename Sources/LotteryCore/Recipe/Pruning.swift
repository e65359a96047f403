/// Pruning rates per layer kind: the fraction of a layer's *remaining* weights
/// removed in one round. 0 leaves that kind dense.
public struct LayerRates: Hashable, Sendable, Codable {
    public var conv: Double
    public var fc: Double
    public var output: Double

    public init(conv: Double = 0, fc: Double = 0, output: Double = 0) {
        self.conv = conv
        self.fc = fc
        self.output = output
    }

    public subscript(kind: LayerKind) -> Double {
        switch kind {
        case .conv: conv
        case .fc: fc
        case .output: output
        }
    }
}

/// How one pruning round chooses the weights to remove.
public struct PruningSpec: Hashable, Sendable, Codable {
    public enum Scope: String, Hashable, Sendable, Codable, CaseIterable {
        /// Each layer loses its kind's rate of its own remaining weights (the paper's
        /// LeNet and Conv-2/4/6).
        case layerwise
        /// All layers whose kind has a non-zero rate are pooled and lose that rate
        /// of their remaining weights together, by one magnitude threshold (the
        /// paper's VGG-19 and ResNet-18). The pooled kinds must share one rate.
        case global
    }

    public var scope: Scope
    public var rates: LayerRates

    public init(scope: Scope = .layerwise, rates: LayerRates) {
        self.scope = scope
        self.rates = rates
    }

    /// The number of weights a round removes from `remaining`: the rate times the
    /// remaining count, rounded to the nearest integer with halves rounded up.
    /// (So 20% of 235,200 is 47,040, and 10% of 1,000 remaining output weights
    /// is 100; 10% of 5 is 0.5, which rounds to 1.)
    public static func countToPrune(rate: Double, remaining: Int) -> Int {
        guard rate > 0, remaining > 0 else { return 0 }
        let exact = rate * Double(remaining)
        return min(remaining, Int((exact + 0.5).rounded(.down)))
    }
}

/// What the weights that survive pruning are reset to before the next level trains.
public enum ResetSpec: Hashable, Sendable, Codable, CustomStringConvertible {
    /// θ0, the original initialization (the paper).
    case original
    /// The weights of the dense (level 0) run after this many iterations
    /// ("Stabilizing the Lottery Ticket Hypothesis").
    case rewind(iteration: Int)

    public var description: String {
        switch self {
        case .original: "original"
        case .rewind(let iteration): "rewind:\(iteration)"
        }
    }
}

/// A control trial that branches off a level of a chain.
public enum ControlKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// The level's mask with a fresh random initialization from the same distribution.
    case reinit
    /// A random mask with the level's per-layer sparsity, on θ0.
    case randomPrune = "random-prune"
}
