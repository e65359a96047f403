/// The size of a plan, as `lottery expand` prints it.
public struct PlanSummary: Hashable, Sendable, Codable {
    /// Grid points without the seed.
    public var configs: Int
    /// Configs × seeds.
    public var chains: Int
    /// Unique trials: what will actually run.
    public var trials: Int
    /// Trials that several chains ask for and that run once: requested minus unique.
    public var sharedTrials: Int
    /// The most trials on one path from a dense run to a leaf: how many must run one after
    /// another however many workers there are.
    public var depth: Int
    /// Training examples processed by all trials, Σ iterations × batch: the work estimate.
    public var samples: Int
    /// Unique trials by kind: `dense`, `ticket`, `one-shot`, `reinit`, `random-prune`.
    public var trialsByBranch: [String: Int]

    static func branchName(_ branch: Branch) -> String {
        switch branch {
        case .control(let kind, _): kind.rawValue
        default: branch.description
        }
    }
}
