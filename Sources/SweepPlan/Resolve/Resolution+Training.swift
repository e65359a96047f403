import LotteryCore

extension Resolution {
    /// The preset's training with the file's values over it, and the run's length in iterations.
    /// `model` and its prunable tensors `shapes` decide which kernels it can train with.
    mutating func training(from preset: Preset, model: ModelSpec, shapes: [WeightShape],
                           trainExamples: Int) -> (TrainingSpec, iterations: Int) {
        var training = preset.training
        if let kind = values["training.optimizer"]?.value.word.flatMap(OptimizerSpec.Kind.init(rawValue:)) {
            training.optimizer.kind = kind
        }
        if let lr = values["training.lr"]?.value.number { training.optimizer.learningRate = lr }
        if let momentum = values["training.momentum"]?.value.number { training.optimizer.momentum = momentum }
        if let decay = values["training.weight_decay"]?.value.number { training.optimizer.weightDecay = decay }
        if let beta1 = values["training.beta1"]?.value.number { training.optimizer.beta1 = beta1 }
        if let beta2 = values["training.beta2"]?.value.number { training.optimizer.beta2 = beta2 }
        if let epsilon = values["training.epsilon"]?.value.number { training.optimizer.epsilon = epsilon }
        if let batch = values["training.batch"]?.value.integer { training.batchSize = batch }
        if let length = values["training.length"]?.value.length { training.length = length }
        if let every = values["training.eval_every"]?.value.integer { training.evalEvery = every }
        if let kernels = values["training.kernels"],
           let choice = kernels.value.word.flatMap(KernelChoice.init(rawValue:)) {
            training.kernels = choice
            if choice == .sparse, let refusal = KernelChoice.sparseRefusal(model: model, shapes: shapes) {
                problem(kernels.location, "training.kernels", .conflict, refusal, suggestion: KernelChoice.sparseAlternative)
            }
        }
        if training.batchSize > trainExamples {
            problem(values["training.batch"]?.location ?? document.rootLocation, "training.batch", .outOfRange,
                    "a batch of \(training.batchSize) is larger than the training split (\(trainExamples) examples)"
                        + mention(["dataset.validation", "dataset"]))
        }
        let iterations = training.length.iterations(trainExamples: trainExamples, batchSize: training.batchSize)
        if let warmup = values["training.warmup"], let length = warmup.value.length {
            training.warmupIterations = length.iterations(trainExamples: trainExamples, batchSize: training.batchSize)
            if training.warmupIterations > iterations {
                problem(warmup.location, "training.warmup", .beyondRun,
                        "a warm-up of \(training.warmupIterations) iterations is longer than the run (\(iterations) iterations)"
                            + mention(["training.length", "training.batch", "model"]))
            }
        }
        if let drops = values["training.lr_drops"], let choices = drops.value.drops {
            training.drops = choices.map {
                LearningRateDrop(iteration: $0.at.iterations(trainExamples: trainExamples, batchSize: training.batchSize),
                                 factor: $0.factor)
            }
            for drop in training.drops where drop.iteration >= iterations {
                problem(drops.location, "training.lr_drops", .beyondRun,
                        "a learning-rate drop at iteration \(drop.iteration) is not before the end of the run (\(iterations) iterations)"
                            + mention(["training.length", "training.batch", "model"]))
            }
        }
        return (training, iterations)
    }
}
