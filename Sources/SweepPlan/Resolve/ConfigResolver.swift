import LotteryCore

/// Turns one grid point into a `ChainSpec`: applies the model's preset, merges the file's
/// values over it, and checks what only a whole combination can show (a rewind point
/// beyond the run, a batch larger than the data, rates that global pruning cannot pool).
struct ConfigResolver {
    let document: SweepDocument

    /// The chain at `point`, or nil with the problems added to `diagnostics`.
    func resolve(_ point: Grid.Point, config: Int, diagnostics: inout [SweepDiagnostic]) -> ChainSpec? {
        var resolution = Resolution(document: document, values: point.values)
        let chain = resolution.chain(config: config, parameters: point.parameters)
        diagnostics += resolution.diagnostics
        return chain
    }
}

/// One grid point being resolved, with the problems found in it. Its parts live in
/// `Resolution+Data`, `+Training`, `+Pruning` and `+Reset`.
struct Resolution {
    let document: SweepDocument
    /// Every setting's value at this point.
    let values: [String: ParsedValue]
    var diagnostics: [SweepDiagnostic] = []
    /// True once a problem was found; the point then gives no chain.
    var failed = false

    init(document: SweepDocument, values: [String: ParsedValue]) {
        self.document = document
        self.values = values
    }

    mutating func chain(config: Int, parameters: [SweepParameter]) -> ChainSpec? {
        guard let preset = preset() else { return nil }
        let model = model(from: preset)
        guard let (data, dataset) = data(for: preset) else { return nil }
        let trainExamples = trainingSplit(of: dataset, holdingOut: data.validationSize)
        let shapes = model.weightShapes(input: dataset.inputShape, classes: dataset.classes)
        let (training, iterations) = training(from: preset, model: model, shapes: shapes, trainExamples: trainExamples)
        let levels = levels()
        let pruning = pruning(from: preset, model: model, shapes: shapes, levels: levels ?? 0)
        let reset = reset(training: training, iterations: iterations, trainExamples: trainExamples)
        let controls = ControlCounts(reinit: values["controls.reinit"]?.value.integer ?? 0,
                                     randomPrune: values["controls.random_prune"]?.value.integer ?? 0)
        let seed = UInt64(values["seeds"]?.value.integer ?? 0)

        guard !failed, let levels else { return nil }
        return ChainSpec(
            config: config, parameters: parameters, model: model, data: data, training: training,
            iterations: iterations, pruning: pruning, levels: levels, reset: reset, controls: controls,
            seed: seed, weightShapes: shapes)
    }

    /// " when a=x and b=y" for those of `paths` that are axes, so a problem that only some
    /// combinations have says which.
    func mention(_ paths: [String]) -> String {
        let named = paths.compactMap { path -> String? in
            guard document.setting(path)?.isAxis == true, let value = values[path] else { return nil }
            return "\(path)=\(value.text)"
        }
        return named.isEmpty ? "" : " when " + named.joined(separator: " and ")
    }

    /// Reports a missing key, unless it was given but invalid (and reported already).
    mutating func missing(_ path: String, _ message: String, suggestion: String) {
        if document.invalidPaths.contains(path) {
            failed = true  // already reported where it was written
        } else {
            problem(document.rootLocation, path, .missingKey, message, suggestion: suggestion)
        }
    }

    /// Reports a problem of this point; the point then gives no chain.
    mutating func problem(_ location: SourceLocation, _ path: String, _ code: SweepDiagnostic.Code,
                          _ message: String, suggestion: String? = nil) {
        failed = true
        diagnostics.append(SweepDiagnostic(location: location, path: path, code: code, message: message, suggestion: suggestion))
    }
}
