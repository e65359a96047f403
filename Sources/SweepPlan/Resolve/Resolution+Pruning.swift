import LotteryCore

extension Resolution {
    /// The last level: `levels`, or `pruning.rounds` when only that is given; nil when
    /// neither is (reported).
    mutating func levels() -> Int? {
        let levelsValue = values["levels"] ?? values["pruning.rounds"]
        if levelsValue == nil, !document.invalidPaths.contains("pruning.rounds") {
            missing("levels", "missing key 'levels': the number of pruning rounds after the dense run",
                    suggestion: "add levels: 10 to train levels 0 to 10")
        }
        return levelsValue?.value.integer
    }

    /// The per-round rates (the preset's, the file's, or those that reach `pruning.target`)
    /// with the method and scope.
    mutating func pruning(from preset: Preset, model: ModelSpec, shapes: [WeightShape], levels: Int) -> PruningSchedule {
        let method = values["pruning.method"]?.value.word.flatMap(PruningMethod.init(rawValue:)) ?? .iterative
        let scopeValue = values["pruning.scope"]
        let scope = scopeValue?.value.word.flatMap(PruningSpec.Scope.init(rawValue:)) ?? preset.pruning.scope
        let rateValues = LayerKind.allCases.compactMap { values["pruning.rates.\($0.rawValue)"] }
        var rates = preset.pruning.rates
        if let target = values["pruning.target"], let fraction = target.value.number {
            rates = ratesReaching(target, fraction: fraction, levels: levels, rateValues: rateValues) ?? rates
        } else {
            ratesGiven(over: &rates)
        }
        // Kinds the model does not have are not pruned, so the recipe (and the trial id) says so.
        let kinds = Set(shapes.map(\.kind))
        for kind in LayerKind.allCases where !kinds.contains(kind) {
            switch kind {
            case .conv: rates.conv = 0
            case .fc: rates.fc = 0
            case .output: rates.output = 0
            }
        }
        check(rates, scope: scope, scopeValue: scopeValue, model: model, levels: levels, rateValues: rateValues)
        return PruningSchedule(method: method, scope: scope, ratesPerRound: rates)
    }

    /// The rates per round that reach `pruning.target` in `pruning.rounds` (or `levels`)
    /// rounds, the output layer's by `pruning.output`; nil when there are no rounds.
    private mutating func ratesReaching(_ target: ParsedValue, fraction: Double, levels: Int,
                                        rateValues: [ParsedValue]) -> LayerRates? {
        let roundsValue = values["pruning.rounds"]
        let levelsGiven = values["levels"] != nil || roundsValue != nil
        if let rate = rateValues.first {
            problem(target.location, "pruning.target", .conflict,
                    "pruning.target sets the rates per round, so it cannot be combined with \(rate.path.split(separator: "[")[0])",
                    suggestion: "keep either pruning.target or pruning.rates")
        }
        let rounds = roundsValue?.value.integer ?? levels
        if rounds == 0, levelsGiven {
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
            return LayerRates(conv: rate, fc: rate, output: output)
        }
        return nil
    }

    /// The preset's rates with the file's `pruning.rates` over them; `pruning.output` and
    /// `pruning.rounds`, which only go with a target, are reported.
    private mutating func ratesGiven(over rates: inout LayerRates) {
        if let output = values["pruning.output"] {
            problem(output.location, "pruning.output", .conflict,
                    "pruning.output applies only with pruning.target",
                    suggestion: "set pruning.rates.output instead")
        }
        if let rounds = values["pruning.rounds"] {
            problem(rounds.location, "pruning.rounds", .conflict,
                    "pruning.rounds is the number of rounds to reach pruning.target, and there is no target",
                    suggestion: "give the number of pruning rounds as levels")
        }
        if let conv = values["pruning.rates.conv"]?.value.number { rates.conv = conv }
        if let fc = values["pruning.rates.fc"]?.value.number { rates.fc = fc }
        if let output = values["pruning.rates.output"]?.value.number { rates.output = output }
    }

    /// Reports rates that would prune nothing, and global pruning over differing rates.
    private mutating func check(_ rates: LayerRates, scope: PruningSpec.Scope, scopeValue: ParsedValue?, model: ModelSpec,
                                levels: Int, rateValues: [ParsedValue]) {
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
    }
}
