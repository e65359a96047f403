extension TrialRecipe {
    /// The canonical form a trial's id is the hash of: the recipe's resolved parameters that
    /// decide the outcome, then the parent's id.
    ///
    /// Left out on purpose, because they do not change what is trained:
    /// - the model's name (`lenet-300-100` and `mlp-300-100` are the same layers);
    /// - the dataset's folder (moving the files must not invalidate finished trials);
    /// - optimizer fields the chosen optimizer does not use (momentum outside `.momentum`,
    ///   β1, β2 and ε outside `.adam`);
    /// - `training.kernels` (dense or sparse products agree up to float summation order, so
    ///   switching a finished sweep to sparse kernels must not rerun its trials).
    ///
    /// Every other field is written unless it has its default, in this order. Changing the
    /// order, a key, or a value's spelling changes every id: the pinned ids in the tests
    /// are there to catch that.
    public func canonicalForm(parent: TrialID?) -> CanonicalForm {
        var form = CanonicalForm()
        form.add("model.layers", model.layers.map(Self.canonical).joined(separator: ","))

        form.add("data.dataset", data.dataset)
        form.add("data.validation_size", data.validationSize, default: 5_000)
        form.add("data.split_seed", data.splitSeed, default: 0)
        form.add("data.normalize", data.normalize.rawValue, default: InputScaling.standard.rawValue)

        let optimizer = training.optimizer
        form.add("training.optimizer", optimizer.kind.rawValue)
        form.add("training.learning_rate", optimizer.learningRate)
        if optimizer.kind == .momentum {
            form.add("training.momentum", optimizer.momentum, default: 0.9)
        }
        form.add("training.weight_decay", optimizer.weightDecay, default: 0)
        if optimizer.kind == .adam {
            form.add("training.beta1", optimizer.beta1, default: 0.9)
            form.add("training.beta2", optimizer.beta2, default: 0.999)
            form.add("training.epsilon", optimizer.epsilon, default: 1e-8)
        }
        form.add("training.batch_size", training.batchSize)
        form.add("training.length", training.length.description)
        form.add("training.eval_every", training.evalEvery, default: 100)
        form.add("training.warmup_iterations", training.warmupIterations, default: 0)
        form.add("training.lr_drops",
                 training.drops.map { "\($0.iteration)*\(CanonicalForm.number($0.factor))" }.joined(separator: ","),
                 default: "")

        form.add("seed", String(seed))

        switch start {
        case .dense:
            break  // the default start
        case .prune(let pruning):
            form.add("start", "prune")
            form.add("start.scope", pruning.scope.rawValue, default: PruningSpec.Scope.layerwise.rawValue)
            form.add("start.rate.conv", pruning.rates.conv, default: 0)
            form.add("start.rate.fc", pruning.rates.fc, default: 0)
            form.add("start.rate.output", pruning.rates.output, default: 0)
        case .control(let kind, let replicate):
            form.add("start", "control")
            form.add("start.control", kind.rawValue)
            form.add("start.replicate", replicate, default: 0)
        }
        form.add("reset", reset.description, default: ResetSpec.original.description)
        if let keepWeightsAt {
            form.add("keep_weights_at", keepWeightsAt)
        }
        if let parent {
            form.add("parent", parent.rawValue)
        }
        return form
    }

    private static func canonical(_ layer: LayerSpec) -> String {
        switch layer {
        case .dense(let units): "dense:\(units)"
        case .conv3x3(let channels): "conv3x3:\(channels)"
        case .maxPool2x2: "maxpool2x2"
        case .dropout(let rate): "dropout:\(CanonicalForm.number(rate))"
        // Stride 1 is written without a suffix, stride 2 as `/s2`.
        case .convBN(let channels, let stride): "convbn3x3:\(channels)" + (stride == 1 ? "" : "/s\(stride)")
        case .residualBlock(let channels, let stride): "residual:\(channels)" + (stride == 1 ? "" : "/s\(stride)")
        case .globalAveragePool: "avgpool:global"
        }
    }
}
