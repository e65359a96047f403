import Foundation
import LotteryCore

extension Plan {
    /// The whole plan as JSON (keys sorted, two-space indent): the summary, axes, configs,
    /// chains, and every trial with its recipe (in `TrialRecipe`'s own Codable form, so a
    /// Swift reader can decode it back).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a plain value type; encoding cannot fail.
        guard let data = try? encoder.encode(PlanDocument(self)), let text = String(data: data, encoding: .utf8) else {
            return "{}\n"
        }
        return text + "\n"
    }
}

/// The JSON shape of a plan.
private struct PlanDocument: Encodable {
    struct ChainEntry: Encodable {
        var index: Int
        var config: Int
        var seed: UInt64
        var method: String
        var parameters: [SweepParameter]
        var levels: [TrialID]
        var controls: [TrialID]
    }

    struct TrialEntry: Encodable {
        var id: TrialID
        var parent: TrialID?
        var level: Int
        var branch: String
        var chains: [Int]
        var parameters: [SweepParameter]
        var iterations: Int
        var samples: Int
        var weightsRemaining: Double
        var depth: Int
        var rewindSource: TrialID?
        var recipe: TrialRecipe
    }

    var name: String
    var file: String
    var summary: PlanSummary
    var axes: [SweepAxis]
    var configs: [SweepConfig]
    var chains: [ChainEntry]
    var trials: [TrialEntry]

    init(_ plan: Plan) {
        name = plan.name
        file = plan.file
        summary = plan.summary
        axes = plan.axes
        configs = plan.configs
        chains = plan.chains.map {
            ChainEntry(index: $0.index, config: $0.config, seed: $0.seed, method: $0.method.rawValue,
                       parameters: $0.parameters, levels: $0.levels, controls: $0.controls)
        }
        trials = plan.trials.map {
            TrialEntry(id: $0.id, parent: $0.parent, level: $0.level, branch: $0.branch.description, chains: $0.chains,
                       parameters: $0.parameters, iterations: $0.iterations, samples: $0.samples,
                       weightsRemaining: $0.weightsRemaining, depth: $0.depth, rewindSource: $0.rewindSource,
                       recipe: $0.recipe)
        }
    }
}
