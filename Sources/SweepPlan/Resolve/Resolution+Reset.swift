import LotteryCore

extension Resolution {
    /// `reset:` with a rewind point resolved to an iteration within the run.
    mutating func reset(training: TrainingSpec, iterations: Int, trainExamples: Int) -> ResetSpec {
        var reset = ResetSpec.original
        if let resetValue = values["reset"], case .rewind(let point)? = resetValue.value.reset {
            let iteration = point.iterations(trainExamples: trainExamples, batchSize: training.batchSize)
            reset = .rewind(iteration: iteration)
            if iteration > iterations {
                problem(resetValue.location, "reset", .beyondRun,
                        "the rewind point, iteration \(iteration), is beyond the end of the run at iteration \(iterations)"
                            + mention(["training.length", "training.batch", "model"]),
                        suggestion: "rewind to an iteration ≤ \(iterations)")
            }
        }
        return reset
    }
}
