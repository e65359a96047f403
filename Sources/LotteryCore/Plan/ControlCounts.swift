/// How many control trials branch off each pruned level (1…L) of a chain.
public struct ControlCounts: Hashable, Sendable, Codable {
    /// Random reinitializations of the level's mask.
    public var reinit: Int
    /// Random masks with the level's per-layer sparsity.
    public var randomPrune: Int

    public init(reinit: Int = 0, randomPrune: Int = 0) {
        self.reinit = reinit
        self.randomPrune = randomPrune
    }

    public subscript(kind: ControlKind) -> Int {
        switch kind {
        case .reinit: reinit
        case .randomPrune: randomPrune
        }
    }
}
