/// The trials a sweep runs, deduplicated, in an order where every trial comes after its
/// parent, with the chains and configs they belong to.
///
/// Identical trials (same recipe, same parent) have the same id and appear once: configs
/// that differ only after level 0 share the dense run, a shorter chain shares all its
/// levels with a longer one, and so on.
public struct Plan: Sendable {
    public var name: String
    /// The sweep file it came from.
    public var file: String
    public var axes: [SweepAxis]
    public var configs: [SweepConfig]
    public var chains: [Chain]
    /// Unique trials, parents before children (chain by chain, level by level, each
    /// level's controls right after it).
    public var trials: [PlannedTrial]
    /// Trials the chains ask for before sharing: `trials.count` plus the shared repeats.
    public var plannedTrialCount: Int
    private var positions: [TrialID: Int]

    /// Expands a validated sweep.
    public init(_ sweep: Sweep) {
        var builder = PlanBuilder()
        for (index, chain) in sweep.chains.enumerated() {
            builder.addChain(chain, index: index)
        }
        name = sweep.name
        file = sweep.file
        axes = sweep.axes
        configs = sweep.configs
        chains = builder.chains
        trials = builder.trials
        plannedTrialCount = builder.plannedCount
        positions = builder.positions
    }

    public subscript(id: TrialID) -> PlannedTrial? {
        positions[id].map { trials[$0] }
    }

    /// The trials whose parent is `id`, in plan order.
    public func children(of id: TrialID) -> [PlannedTrial] {
        trials.filter { $0.parent == id }
    }

    /// The counts `lottery expand` prints.
    public var summary: PlanSummary {
        PlanSummary(
            configs: configs.count, chains: chains.count, trials: trials.count,
            sharedTrials: plannedTrialCount - trials.count,
            depth: trials.map(\.depth).max() ?? 0,
            samples: trials.reduce(0) { $0 + $1.samples },
            trialsByBranch: Dictionary(grouping: trials) { PlanSummary.branchName($0.branch) }.mapValues(\.count))
    }
}

/// Builds the trial DAG chain by chain, merging trials it has seen before.
private struct PlanBuilder {
    var trials: [PlannedTrial] = []
    var positions: [TrialID: Int] = [:]
    var chains: [Chain] = []
    var plannedCount = 0
    /// Expected remaining weights per prunable tensor, by trial.
    var remaining: [TrialID: [Int]] = [:]

    mutating func addChain(_ spec: ChainSpec, index: Int) {
        let rewindIteration: Int? = if case .rewind(let iteration) = spec.reset { iteration } else { nil }
        let dense = TrialRecipe(model: spec.model, data: spec.data, training: spec.training, seed: spec.seed,
                                start: .dense, reset: .original, keepWeightsAt: rewindIteration)
        let root = add(dense, parent: nil, level: 0, branch: .dense, chain: index, spec: spec, rewindSource: nil,
                       counts: spec.weightShapes.map(\.count))
        var levels = [root]
        var controls: [TrialID] = []
        var previous = root
        if spec.levels > 0 {
            for level in 1...spec.levels {
                let pruning = spec.pruning.pruning(atLevel: level)
                let parent = spec.pruning.method == .iterative ? previous : root
                var recipe = dense
                recipe.start = .prune(pruning)
                recipe.reset = spec.reset
                recipe.keepWeightsAt = nil
                let counts = Self.prune(remaining[parent] ?? [], shapes: spec.weightShapes, by: pruning)
                let trial = add(recipe, parent: parent, level: level,
                                branch: spec.pruning.method == .iterative ? .ticket : .oneShot,
                                chain: index, spec: spec, rewindSource: rewindIteration == nil ? nil : root, counts: counts)
                levels.append(trial)
                for kind in ControlKind.allCases {
                    for replicate in 0..<spec.controls[kind] {
                        var control = recipe
                        control.start = .control(kind, replicate: replicate)
                        // A reinitialized control draws fresh weights; it never resets to θ0 or rewinds.
                        control.reset = kind == .reinit ? .original : spec.reset
                        controls.append(add(
                            control, parent: trial, level: level, branch: .control(kind, replicate: replicate),
                            chain: index, spec: spec, rewindSource: control.reset == .original ? nil : root, counts: counts))
                    }
                }
                previous = trial
            }
        }
        chains.append(Chain(index: index, config: spec.config, seed: spec.seed, method: spec.pruning.method,
                            parameters: spec.parameters, levels: levels, controls: controls))
    }

    private mutating func add(_ recipe: TrialRecipe, parent: TrialID?, level: Int, branch: Branch, chain: Int,
                              spec: ChainSpec, rewindSource: TrialID?, counts: [Int]) -> TrialID {
        plannedCount += 1
        let id = TrialID(recipe: recipe, parent: parent)
        if let position = positions[id] {
            if !trials[position].chains.contains(chain) { trials[position].chains.append(chain) }
            trials[position].parameters = trials[position].parameters.filter(spec.parameters.contains)
            return id
        }
        let total = spec.weightShapes.reduce(0) { $0 + $1.count }
        let depth = parent.flatMap { positions[$0] }.map { trials[$0].depth + 1 } ?? 1
        positions[id] = trials.count
        remaining[id] = counts
        trials.append(PlannedTrial(
            id: id, parent: parent, level: level, branch: branch, recipe: recipe, rewindSource: rewindSource,
            chains: [chain], parameters: spec.parameters, iterations: spec.iterations,
            weightsRemaining: total == 0 ? 1 : Double(counts.reduce(0, +)) / Double(total), depth: depth))
        return id
    }

    /// The expected remaining counts after pruning `counts` by `pruning`.
    static func prune(_ counts: [Int], shapes: [WeightShape], by pruning: PruningSpec) -> [Int] {
        var result = counts
        switch pruning.scope {
        case .layerwise:
            for (i, shape) in shapes.enumerated() where i < result.count {
                result[i] -= PruningSpec.countToPrune(rate: pruning.rates[shape.kind], remaining: result[i])
            }
        case .global:
            let pooled = shapes.indices.filter { $0 < result.count && pruning.rates[shapes[$0].kind] > 0 }
            let total = pooled.reduce(0) { $0 + result[$1] }
            guard let first = pooled.first, total > 0 else { return result }
            let removed = PruningSpec.countToPrune(rate: pruning.rates[shapes[first].kind], remaining: total)
            var left = removed
            for i in pooled {
                let share = removed * result[i] / total
                result[i] -= share
                left -= share
            }
            // The rounding remainder comes off the largest layers.
            for i in pooled.sorted(by: { result[$0] > result[$1] }) where left > 0 && result[i] > 0 {
                result[i] -= 1
                left -= 1
            }
        }
        return result
    }
}
