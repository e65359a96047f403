/// What a report groups by and shows. The defaults give one group per config and the
/// paper's 0.5-point tolerance.
public struct ReportOptions: Sendable, Hashable {
    /// Axes that `summary.csv`, the plots and the text summary group trials by (key paths,
    /// like `pruning.rates.fc`); trials of configs that agree on them are pooled. Nil groups
    /// by every axis but the seeds, so one group is one config; empty pools all configs.
    public var groupBy: [String]?
    /// The config whose learning curves are drawn (an index into the plan's configs).
    public var curvesConfig: Int
    /// The levels whose learning curves are drawn; nil picks level 0 and up to four more,
    /// spread over the levels that have finished trials.
    public var curvesLevels: [Int]?
    /// How many points of test accuracy (percentage points) a level's mean may lie below
    /// the dense network's mean and still count as matching it.
    public var tolerance: Double

    public init(groupBy: [String]? = nil, curvesConfig: Int = 0, curvesLevels: [Int]? = nil, tolerance: Double = 0.5) {
        self.groupBy = groupBy
        self.curvesConfig = curvesConfig
        self.curvesLevels = curvesLevels
        self.tolerance = tolerance
    }
}
