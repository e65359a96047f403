import SweepPlan

/// One iterative-pruning chain run in this process, level after level: what
/// `lottery train` does without a coordinator.
public struct LocalChain: Sendable {
    public var model: ModelSpec
    public var data: DataSpec
    public var training: TrainingSpec
    public var pruning: PruningSpec
    /// Pruning rounds after the dense run: levels 0 through `levels` train.
    public var levels: Int
    public var seed: UInt64
    public var reset: ResetSpec
    /// Controls trained at every pruned level (1 and up), one replicate each.
    public var controls: [ControlKind]

    public init(model: ModelSpec, data: DataSpec, training: TrainingSpec, pruning: PruningSpec, levels: Int,
                seed: UInt64, reset: ResetSpec = .original, controls: [ControlKind] = []) {
        self.model = model
        self.data = data
        self.training = training
        self.pruning = pruning
        self.levels = levels
        self.seed = seed
        self.reset = reset
        self.controls = controls
    }

    /// One trained level or control of the chain.
    public struct Row: Sendable {
        public var level: Int
        /// `ticket`, `reinit` or `random-prune`.
        public var branch: String
        public var summary: RunSummary
    }

    /// Trains every level in order, and the controls of each; `onRow` sees each
    /// row as soon as it is trained.
    public func run(dataset: Dataset, onRow: (Row) -> Void = { _ in }) throws -> [Row] {
        var rows: [Row] = []
        var rewindIteration: Int? = nil
        if case .rewind(let iteration) = reset { rewindIteration = iteration }
        let dense = TrialRecipe(model: model, data: data, training: training, seed: seed, start: .dense,
                                reset: reset, keepWeightsAt: rewindIteration)
        var parent = try TrialRunner.run(dense, inputs: TrialInputs(), dataset: dataset)
        let rewindWeights = parent.keptWeights
        rows.append(Row(level: 0, branch: "ticket", summary: parent.summary))
        onRow(rows[rows.count - 1])
        guard levels > 0 else { return rows }
        for level in 1...levels {
            let recipe = TrialRecipe(model: model, data: data, training: training, seed: seed,
                                     start: .prune(pruning), reset: reset)
            let ticket = try TrialRunner.run(recipe, inputs: TrialInputs(
                parentMask: parent.mask, parentWeights: parent.finalWeights, rewindWeights: rewindWeights),
                dataset: dataset)
            rows.append(Row(level: level, branch: "ticket", summary: ticket.summary))
            onRow(rows[rows.count - 1])
            for control in controls {
                let controlRecipe = TrialRecipe(model: model, data: data, training: training, seed: seed,
                                                start: .control(control, replicate: 0), reset: reset)
                let outcome = try TrialRunner.run(controlRecipe, inputs: TrialInputs(
                    parentMask: ticket.mask, rewindWeights: rewindWeights), dataset: dataset)
                rows.append(Row(level: level, branch: control.rawValue, summary: outcome.summary))
                onRow(rows[rows.count - 1])
            }
            parent = ticket
        }
        return rows
    }
}

extension LocalChain.Row {
    public static let csvHeader =
        "level,branch,weights_remaining_percent,early_stop_iteration,early_stop_test_accuracy,"
        + "min_validation_loss,final_test_accuracy,iterations,seconds,early_stop_train_accuracy,final_train_accuracy"

    /// A CSV line in `csvHeader`'s order, numbers at full precision.
    public var csvLine: String {
        [String(level), branch, "\(summary.percentRemaining)", String(summary.earlyStopIteration),
         "\(summary.earlyStopTestAccuracy)", "\(summary.minValidationLoss)", "\(summary.finalTestAccuracy)",
         String(summary.iterations), "\(summary.seconds)", "\(summary.earlyStopTrainAccuracy)",
         "\(summary.finalTrainAccuracy)"].joined(separator: ",")
    }
}
