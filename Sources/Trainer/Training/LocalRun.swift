import LotteryCore

/// A plan's trials trained in this process one after another, parents first: what
/// `lottery train` does without a coordinator. Each trial is handed its parent's mask
/// and final weights and its rewind source's kept weights; which of them it uses is
/// `TrialRunner`'s rule, as on a worker.
public struct LocalRun {
    public let plan: Plan

    public init(plan: Plan) {
        self.plan = plan
    }

    /// Trains every trial in plan order; `onTrial` sees each as soon as it is trained.
    /// An outcome is kept only while a later trial still starts from it.
    public func run(dataset: Dataset, threads: Int = 1,
                    onTrial: (PlannedTrial, TrialOutcome) -> Void = { _, _ in }) throws {
        func sources(_ trial: PlannedTrial) -> [TrialID] { [trial.parent, trial.rewindSource].compactMap { $0 } }
        var uses: [TrialID: Int] = [:]
        for trial in plan.trials {
            for source in sources(trial) { uses[source, default: 0] += 1 }
        }
        var kept: [TrialID: TrialOutcome] = [:]
        for trial in plan.trials {
            let parent = trial.parent.flatMap { kept[$0] }
            let inputs = TrialInputs(parentMask: parent?.mask, parentWeights: parent?.finalWeights,
                                     rewindWeights: trial.rewindSource.flatMap { kept[$0]?.keptWeights })
            let outcome = try TrialRunner.run(trial.recipe, inputs: inputs, dataset: dataset, threads: threads)
            onTrial(trial, outcome)
            for source in sources(trial) {
                uses[source, default: 1] -= 1
                if uses[source] == 0 { kept[source] = nil }
            }
            if uses[trial.id, default: 0] > 0 { kept[trial.id] = outcome }
        }
    }
}
