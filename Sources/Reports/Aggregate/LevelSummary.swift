import Journal
import LotteryCore

/// The trials of one group at one level and branch kind (all seeds, and all replicates of a
/// control), with statistics of their key figures over the finished ones.
public struct LevelSummary: Sendable, Hashable {
    /// Position in `Grouping.groups`.
    public var group: Int
    public var level: Int
    public var branch: BranchKind
    /// Every trial in it, whatever its state, in plan order.
    public var trials: [TrialID]
    /// How many of them are done.
    public var done: Int
    /// Mean of the plan's expected percent of weights remaining over its trials.
    public var plannedWeightsRemaining: Double
    /// Statistics over the done trials; a figure is missing when no done trial has a finite value.
    public var figures: [KeyFigure: Statistics]

    /// Every group × level × branch kind that has trials, ordered by group, level, branch. A
    /// trial shared by several configs (the dense run of configs that differ only in pruning
    /// rate) is in each of their groups, once per group. A pruned level counts as each chain's
    /// method has it: level 1 is the same trial for iterative and one-shot pruning, and is a
    /// `ticket` in an iterative config's group and `one-shot` in a one-shot config's.
    public static func all(_ results: SweepResults, grouping: Grouping) -> [LevelSummary] {
        struct Key: Hashable, Comparable {
            var group: Int, level: Int, branch: BranchKind
            static func < (a: Key, b: Key) -> Bool { (a.group, a.level, a.branch) < (b.group, b.level, b.branch) }
        }
        var members: [Key: [TrialRecord]] = [:]
        for record in results.trials {
            var keys: Set<Key> = []
            for index in record.planned.chains where results.plan.chains.indices.contains(index) {
                let chain = results.plan.chains[index]
                var branch = BranchKind(record.planned.branch)
                if branch.isPrunedLevel { branch = chain.method == .iterative ? .ticket : .oneShot }
                for group in grouping.groups(ofConfigs: [chain.config]) {
                    keys.insert(Key(group: group, level: record.planned.level, branch: branch))
                }
            }
            for key in keys { members[key, default: []].append(record) }
        }
        return members.keys.sorted().map { key in
            let records = members[key]!
            let summaries = records.filter { $0.state == .done }.compactMap(\.summary)
            var figures: [KeyFigure: Statistics] = [:]
            for figure in KeyFigure.allCases {
                figures[figure] = Statistics(summaries.map(figure.value))
            }
            let planned = records.reduce(0) { $0 + 100 * $1.planned.weightsRemaining } / Double(records.count)
            return LevelSummary(group: key.group, level: key.level, branch: key.branch, trials: records.map(\.id),
                                done: summaries.count, plannedWeightsRemaining: planned, figures: figures)
        }
    }
}
