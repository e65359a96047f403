import Journal
import LotteryCore

/// `trials.csv`: one row per trial of the plan, in plan order (parents first), whatever its
/// state. Columns are documented in docs/REPORTS.md.
struct TrialsTable: CSVTable {
    let results: SweepResults
    /// The sweep's axes but the seeds (the seed has its own column).
    let axes: [String]
    /// Every prunable layer of the sweep's models, conv first, then fc, then the output layer.
    let layers: [String]

    init(_ results: SweepResults) {
        self.results = results
        axes = results.plan.axes.map(\.name).filter { $0 != "seeds" }
        layers = Self.layerNames(results.sweep)
    }

    var header: [String] {
        ["trial", "parent", "chains", "configs", "level", "branch", "replicate", "seed"]
            + axes
            + ["weights_remaining_pct"] + layers.map { "weights_remaining_pct.\($0)" }
            + ["planned_weights_remaining_pct", "iterations",
               "early_stop_iteration", "early_stop_test_accuracy", "min_validation_loss",
               "final_test_accuracy", "final_test_loss", "final_validation_accuracy", "final_validation_loss",
               "early_stop_train_accuracy", "final_train_accuracy", "final_train_loss",
               "early_stop_generalization_gap", "final_generalization_gap",
               "train_seconds", "worker", "attempts", "state", "started_at", "finished_at", "error"]
    }

    func forEachRow(_ body: ([String?]) throws -> Void) rethrows {
        for record in results.trials {
            let trial = record.planned
            let summary = record.state == .done ? record.summary : nil
            var row: [String?] = [
                trial.id.rawValue, trial.parent?.rawValue,
                trial.chains.map(String.init).joined(separator: " "),
                results.configs(of: trial).map(String.init).joined(separator: " "),
                String(trial.level), BranchKind(trial.branch).rawValue,
                CSV.number(BranchKind.replicate(of: trial.branch)), String(trial.recipe.seed),
            ]
            row += axes.map { trial.parameter($0) }
            row.append(CSV.number(summary?.percentRemaining))
            row += layers.map { name in CSV.number(summary?.layers.first { $0.name == name }?.percentRemaining) }
            row += [
                CSV.number(100 * trial.weightsRemaining), String(trial.iterations),
                CSV.number(summary?.earlyStopIteration), CSV.number(summary?.earlyStopTestAccuracy),
                CSV.number(summary?.minValidationLoss), CSV.number(summary?.finalTestAccuracy),
                CSV.number(summary?.finalTestLoss), CSV.number(summary?.finalValidationAccuracy),
                CSV.number(summary?.finalValidationLoss),
                CSV.number(summary?.earlyStopTrainAccuracy), CSV.number(summary?.finalTrainAccuracy),
                CSV.number(summary?.finalTrainLoss), CSV.number(summary?.earlyStopGeneralizationGap),
                CSV.number(summary?.finalGeneralizationGap), CSV.number(summary?.seconds),
                record.worker, String(record.attempts), record.state.rawValue,
                CSV.number(record.startedAt), CSV.number(record.finishedAt), record.error,
            ]
            try body(row)
        }
    }

    /// The prunable layers of every model in the sweep: conv1, conv2, …, fc1, fc2, …, output.
    static func layerNames(_ sweep: Sweep) -> [String] {
        var shapes: [String: WeightShape] = [:]
        for chain in sweep.chains {
            for shape in chain.weightShapes where shapes[shape.name] == nil { shapes[shape.name] = shape }
        }
        let kindOrder: [LayerKind: Int] = [.conv: 0, .fc: 1, .output: 2]
        func number(_ name: String) -> Int { Int(name.drop { !$0.isNumber }) ?? 0 }
        return shapes.values.sorted {
            (kindOrder[$0.kind] ?? 3, number($0.name), $0.name) < (kindOrder[$1.kind] ?? 3, number($1.name), $1.name)
        }.map(\.name)
    }
}
