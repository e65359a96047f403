/// Turns one grid point into a `ChainSpec`: applies the model's preset, merges the file's
/// values over it, and checks what only a whole combination can show (a rewind point
/// beyond the run, a batch larger than the data, rates that global pruning cannot pool).
struct ConfigResolver {
    let document: SweepDocument

    /// The chain at `point`, or nil with the problems added to `diagnostics`.
    func resolve(_ point: Grid.Point, config: Int, diagnostics: inout [SweepDiagnostic]) -> ChainSpec? {
        var pass = Pass(document: document, values: point.values)
        let chain = pass.resolve(config: config, parameters: point.parameters)
        diagnostics += pass.diagnostics
        return chain
    }
}

/// One resolution, with its own diagnostics.
private struct Pass {
    let document: SweepDocument
    let values: [String: ParsedValue]
    var diagnostics: [SweepDiagnostic] = []
    var failed = false

    init(document: SweepDocument, values: [String: ParsedValue]) {
        self.document = document
        self.values = values
    }

    mutating func resolve(config: Int, parameters: [SweepParameter]) -> ChainSpec? {
        // Model and preset.
        guard let presetName = values["model"]?.value.word else {
            missing("model", "missing key 'model': the model preset (" + Preset.all.map(\.name).joined(separator: ", ") + ")",
                    suggestion: "add model: lenet-300-100")
            return nil
        }
        guard let preset = Preset.named(presetName) else { return nil }
        var model = preset.model
        if let hidden = values["model.hidden"] {
            if preset.model.isMultilayerPerceptron {
                model = .mlp(hidden: hidden.value.integers ?? [])
            } else {
                problem(hidden.location, "model.hidden", .conflict,
                        "hidden sizes replace the layers of an MLP preset, but \(preset.name) has convolutional layers",
                        suggestion: "use model: {preset: lenet-300-100, hidden: \(hidden.text)} for a custom MLP")
            }
        }

        // Data.
        // An invalid dataset was reported where it was written; carry on with the preset's
        // so the rest of the file is still checked.
        let datasetInvalid = document.invalidPaths.contains("dataset")
        let datasetValue = values["dataset"]
        guard let dataset = DatasetInfo.named(datasetValue?.value.word ?? preset.paperDataset) else { return nil }
        let path = values["dataset.path"]?.value.word ?? dataset.defaultPath
        if datasetInvalid {
            failed = true
        } else if path == nil {
            problem(datasetValue?.location ?? document.rootLocation, "dataset", .missingKey,
                    "the dataset \(dataset.name) has no standard location on this machine; the file must say where its files are"
                        + (datasetValue == nil ? " (\(dataset.name) is the paper's dataset for \(preset.name))" : ""),
                    suggestion: "add dataset: {name: \(dataset.name), path: /folder/of/\(dataset.name)}")
        }
        let validation = values["dataset.validation"]?.value.integer ?? DataSpec(dataset: dataset.name).validationSize
        if validation >= dataset.trainExamples {
            problem(values["dataset.validation"]?.location ?? document.rootLocation, "dataset.validation", .outOfRange,
                    "holding out \(validation) examples leaves none to train on: \(dataset.name) has \(dataset.trainExamples) training examples")
        }
        let splitSeed = UInt64(values["dataset.split_seed"]?.value.integer ?? 0)
        let data = DataSpec(dataset: dataset.name, path: path, validationSize: validation, splitSeed: splitSeed)
        // After an impossible hold-out (reported above), check the rest as if it were the default.
        let trainExamples = validation < dataset.trainExamples
            ? dataset.trainExamples - validation : max(1, dataset.trainExamples - DataSpec(dataset: dataset.name).validationSize)

        // Training.
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

        // Levels and pruning.
        // `levels` defaults to `pruning.rounds`, the rounds a target is reached in.
        let roundsValue = values["pruning.rounds"]
        let levelsValue = values["levels"] ?? roundsValue
        if levelsValue == nil, !document.invalidPaths.contains("pruning.rounds") {
            missing("levels", "missing key 'levels': the number of pruning rounds after the dense run",
                    suggestion: "add levels: 10 to train levels 0 to 10")
        }
        let levels = levelsValue?.value.integer ?? 0
        let method = values["pruning.method"]?.value.word.flatMap(PruningMethod.init(rawValue:)) ?? .iterative
        let scopeValue = values["pruning.scope"]
        let scope = scopeValue?.value.word.flatMap(PruningSpec.Scope.init(rawValue:)) ?? preset.pruning.scope
        let rateValues = LayerKind.allCases.compactMap { values["pruning.rates.\($0.rawValue)"] }
        var rates = preset.pruning.rates
        if let target = values["pruning.target"], let fraction = target.value.number {
            if let rate = rateValues.first {
                problem(target.location, "pruning.target", .conflict,
                        "pruning.target sets the rates per round, so it cannot be combined with \(rate.path.split(separator: "[")[0])",
                        suggestion: "keep either pruning.target or pruning.rates")
            }
            let rounds = roundsValue?.value.integer ?? levels
            if rounds == 0, levelsValue != nil {
                problem(target.location, "pruning.target", .conflict,
                        "a target needs at least one pruning round, but levels is 0" + mention(["levels"]),
                        suggestion: "give pruning.rounds, the rounds to reach the target in")
            } else if rounds > 0 {
                let rate = PruningSchedule.rate(reaching: fraction, in: rounds)
                let rule = values["pruning.output"]?.value.word.flatMap(OutputRule.init(rawValue:)) ?? .half
                let output = switch rule {
                case .half: PruningSchedule.canonicalRate(rate / 2)
                case .same: rate
                case .none: 0.0
                }
                rates = LayerRates(conv: rate, fc: rate, output: output)
            }
        } else {
            if let output = values["pruning.output"] {
                problem(output.location, "pruning.output", .conflict,
                        "pruning.output applies only with pruning.target",
                        suggestion: "set pruning.rates.output instead")
            }
            if let rounds = roundsValue {
                problem(rounds.location, "pruning.rounds", .conflict,
                        "pruning.rounds is the number of rounds to reach pruning.target, and there is no target",
                        suggestion: "give the number of pruning rounds as levels")
            }
            if let conv = values["pruning.rates.conv"]?.value.number { rates.conv = conv }
            if let fc = values["pruning.rates.fc"]?.value.number { rates.fc = fc }
            if let output = values["pruning.rates.output"]?.value.number { rates.output = output }
        }
        // Kinds the model does not have are not pruned, so the recipe (and the trial id) says so.
        let shapes = model.weightShapes(input: dataset.inputShape, classes: dataset.classes)
        let kinds = Set(shapes.map(\.kind))
        for kind in LayerKind.allCases where !kinds.contains(kind) {
            switch kind {
            case .conv: rates.conv = 0
            case .fc: rates.fc = 0
            case .output: rates.output = 0
            }
        }
        let rateLocation = rateValues.first?.location ?? values["pruning.target"]?.location ?? document.rootLocation
        if levels > 0, LayerKind.allCases.allSatisfy({ rates[$0] == 0 }) {
            problem(rateLocation, "pruning.rates", .conflict,
                    "every pruning rate of \(model.name) is 0, so the levels would not prune anything"
                        + mention(["model", "pruning.rates.conv", "pruning.rates.fc", "pruning.rates.output"]),
                    suggestion: "give a rate > 0, or levels: 0 for dense runs only")
        }
        let pooled = LayerKind.allCases.filter { rates[$0] > 0 }
        if scope == .global, Set(pooled.map { rates[$0] }).count > 1 {
            problem(scopeValue?.location ?? rateLocation, "pruning.scope", .conflict,
                    "global pruning pools the pruned layers under one rate, but the rates differ: "
                        + pooled.map { "\($0.rawValue) \(CanonicalForm.number(rates[$0]))" }.joined(separator: ", ")
                        + mention(["model", "pruning.rates.conv", "pruning.rates.fc", "pruning.rates.output", "pruning.target"]),
                    suggestion: "give the pooled kinds one rate and the others 0, or use pruning.target with output: same")
        }

        // Reset.
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

        let controls = ControlCounts(reinit: values["controls.reinit"]?.value.integer ?? 0,
                                     randomPrune: values["controls.random_prune"]?.value.integer ?? 0)
        let seed = UInt64(values["seeds"]?.value.integer ?? 0)

        guard !failed, levelsValue != nil else { return nil }
        return ChainSpec(
            config: config, parameters: parameters, model: model, data: data, training: training,
            iterations: iterations, pruning: PruningSchedule(method: method, scope: scope, ratesPerRound: rates),
            levels: levels, reset: reset, controls: controls, seed: seed, weightShapes: shapes)
    }

    /// " when a=x and b=y" for those of `paths` that are axes, so a problem that only some
    /// combinations have says which.
    private func mention(_ paths: [String]) -> String {
        let named = paths.compactMap { path -> String? in
            guard document.setting(path)?.isAxis == true, let value = values[path] else { return nil }
            return "\(path)=\(value.text)"
        }
        return named.isEmpty ? "" : " when " + named.joined(separator: " and ")
    }

    private mutating func missing(_ path: String, _ message: String, suggestion: String) {
        if document.invalidPaths.contains(path) {
            failed = true  // already reported where it was written
        } else {
            problem(document.rootLocation, path, .missingKey, message, suggestion: suggestion)
        }
    }

    private mutating func problem(_ location: SourceLocation, _ path: String, _ code: SweepDiagnostic.Code,
                                  _ message: String, suggestion: String? = nil) {
        failed = true
        diagnostics.append(SweepDiagnostic(location: location, path: path, code: code, message: message, suggestion: suggestion))
    }
}
