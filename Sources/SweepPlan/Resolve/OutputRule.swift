import LotteryCore

/// What the output layer's per-round rate is when `pruning.target` sets the rates.
enum OutputRule: String, CaseIterable, Sendable {
    /// Half the rate of the other layers, as the paper prunes LeNet and Conv-2/4/6 (the default).
    case half
    /// The same rate as the other layers.
    case same
    /// Not pruned.
    case none
}
