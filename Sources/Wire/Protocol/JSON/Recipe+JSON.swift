import LotteryCore

// The header JSON of `TrialRecipe` (docs/PROTOCOL.md §5): exactly the synthesized
// `Codable` form, keys sorted, an enum case an object with one key. `recipeJSONIsPinned`
// pins an example; the WireTests compare both directions with Foundation's.

extension TrialRecipe {
    init(json fields: JSONFields) throws(DecodeError) {
        let start: Start
        let startCase = try fields.fields("start").oneOf(["dense", "prune", "control"])
        switch startCase.name {
        case "dense": start = .dense
        case "prune": start = .prune(try PruningSpec(json: try startCase.fields.fields("_0")))
        default: start = .control(try startCase.fields.enumeration("_0"), replicate: try startCase.fields.int("replicate"))
        }
        let reset: ResetSpec
        let resetCase = try fields.fields("reset").oneOf(["original", "rewind"])
        switch resetCase.name {
        case "original": reset = .original
        default: reset = .rewind(iteration: try resetCase.fields.int("iteration"))
        }
        self.init(model: try ModelSpec(json: try fields.fields("model")), data: try DataSpec(json: try fields.fields("data")),
                  training: try TrainingSpec(json: try fields.fields("training")), seed: try fields.uint64("seed"),
                  start: start, reset: reset, keepWeightsAt: try fields.optionalInt("keepWeightsAt"))
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("data")
        data.write(to: &writer)
        if let keepWeightsAt {
            writer.key("keepWeightsAt")
            writer.int(keepWeightsAt)
        }
        writer.key("model")
        model.write(to: &writer)
        writer.key("reset")
        writer.beginObject()
        switch reset {
        case .original:
            writer.key("original")
            writer.beginObject()
            writer.endObject()
        case .rewind(let iteration):
            writer.key("rewind")
            writer.beginObject()
            writer.key("iteration")
            writer.int(iteration)
            writer.endObject()
        }
        writer.endObject()
        writer.key("seed")
        writer.uint64(seed)
        writer.key("start")
        writer.beginObject()
        switch start {
        case .dense:
            writer.key("dense")
            writer.beginObject()
            writer.endObject()
        case .prune(let pruning):
            writer.key("prune")
            writer.beginObject()
            writer.key("_0")
            pruning.write(to: &writer)
            writer.endObject()
        case .control(let kind, let replicate):
            writer.key("control")
            writer.beginObject()
            writer.key("_0")
            writer.string(kind.rawValue)
            writer.key("replicate")
            writer.int(replicate)
            writer.endObject()
        }
        writer.endObject()
        writer.key("training")
        training.write(to: &writer)
        writer.endObject()
    }
}

extension DataSpec {
    init(json fields: JSONFields) throws(DecodeError) {
        // Optional: absent (from a coordinator that predates it, or for the default) means standard.
        self.init(dataset: try fields.string("dataset"), path: try fields.optionalString("path"),
                  validationSize: try fields.int("validationSize"), splitSeed: try fields.uint64("splitSeed"),
                  normalize: try fields.optionalEnumeration("normalize") ?? .standard)
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("dataset")
        writer.string(dataset)
        if normalize != .standard {
            writer.key("normalize")
            writer.string(normalize.rawValue)
        }
        if let path {
            writer.key("path")
            writer.string(path)
        }
        writer.key("splitSeed")
        writer.uint64(splitSeed)
        writer.key("validationSize")
        writer.int(validationSize)
        writer.endObject()
    }
}

extension ModelSpec {
    init(json fields: JSONFields) throws(DecodeError) {
        let (elements, path) = try fields.array("layers")
        var layers: [LayerSpec] = []
        layers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let layer = try JSONRead.object(element, path.element(index)).oneOf(["dense", "conv3x3", "maxPool2x2", "dropout", "convBN", "residualBlock", "globalAveragePool"])
            switch layer.name {
            case "dense": layers.append(.dense(units: try layer.fields.int("units")))
            case "conv3x3": layers.append(.conv3x3(channels: try layer.fields.int("channels")))
            case "maxPool2x2": layers.append(.maxPool2x2)
            case "convBN":
                layers.append(.convBN(channels: try layer.fields.int("channels"), stride: try layer.fields.int("stride")))
            case "residualBlock":
                layers.append(.residualBlock(channels: try layer.fields.int("channels"),
                                             stride: try layer.fields.int("stride")))
            case "globalAveragePool": layers.append(.globalAveragePool)
            default: layers.append(.dropout(rate: try layer.fields.double("rate")))
            }
        }
        self.init(name: try fields.string("name"), layers: layers)
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("layers")
        writer.beginArray()
        for layer in layers {
            writer.beginObject()
            switch layer {
            case .dense(let units):
                writer.key("dense")
                writer.beginObject()
                writer.key("units")
                writer.int(units)
            case .conv3x3(let channels):
                writer.key("conv3x3")
                writer.beginObject()
                writer.key("channels")
                writer.int(channels)
            case .maxPool2x2:
                writer.key("maxPool2x2")
                writer.beginObject()
            case .dropout(let rate):
                writer.key("dropout")
                writer.beginObject()
                writer.key("rate")
                writer.double(rate)
            case .convBN(let channels, let stride), .residualBlock(let channels, let stride):
                if case .convBN = layer { writer.key("convBN") } else { writer.key("residualBlock") }
                writer.beginObject()
                writer.key("channels")
                writer.int(channels)
                writer.key("stride")
                writer.int(stride)
            case .globalAveragePool:
                writer.key("globalAveragePool")
                writer.beginObject()
            }
            writer.endObject()
            writer.endObject()
        }
        writer.endArray()
        writer.key("name")
        writer.string(name)
        writer.endObject()
    }
}

extension PruningSpec {
    init(json fields: JSONFields) throws(DecodeError) {
        let rates = try fields.fields("rates")
        self.init(scope: try fields.enumeration("scope"),
                  rates: LayerRates(conv: try rates.double("conv"), fc: try rates.double("fc"),
                                    output: try rates.double("output")))
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("rates")
        writer.beginObject()
        writer.key("conv")
        writer.double(rates.conv)
        writer.key("fc")
        writer.double(rates.fc)
        writer.key("output")
        writer.double(rates.output)
        writer.endObject()
        writer.key("scope")
        writer.string(scope.rawValue)
        writer.endObject()
    }
}

extension TrainingSpec {
    init(json fields: JSONFields) throws(DecodeError) {
        let optimizer = try fields.fields("optimizer")
        let lengthCase = try fields.fields("length").oneOf(["iterations", "epochs"])
        let count = try lengthCase.fields.int("_0")
        let (elements, path) = try fields.array("drops")
        var drops: [LearningRateDrop] = []
        for (index, element) in elements.enumerated() {
            let drop = try JSONRead.object(element, path.element(index))
            drops.append(LearningRateDrop(iteration: try drop.int("iteration"), factor: try drop.double("factor")))
        }
        // Optional: coordinators from before kernels could be chosen send none, which means auto.
        let kernels: KernelChoice = try fields.optionalEnumeration("kernels") ?? .auto
        self.init(optimizer: OptimizerSpec(kind: try optimizer.enumeration("kind"),
                                           learningRate: try optimizer.double("learningRate"),
                                           momentum: try optimizer.double("momentum"),
                                           weightDecay: try optimizer.double("weightDecay"),
                                           beta1: try optimizer.double("beta1"), beta2: try optimizer.double("beta2"),
                                           epsilon: try optimizer.double("epsilon")),
                  batchSize: try fields.int("batchSize"),
                  length: lengthCase.name == "iterations" ? .iterations(count) : .epochs(count),
                  evalEvery: try fields.int("evalEvery"), warmupIterations: try fields.int("warmupIterations"),
                  drops: drops, kernels: kernels)
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("batchSize")
        writer.int(batchSize)
        writer.key("drops")
        writer.beginArray()
        for drop in drops {
            writer.beginObject()
            writer.key("factor")
            writer.double(drop.factor)
            writer.key("iteration")
            writer.int(drop.iteration)
            writer.endObject()
        }
        writer.endArray()
        writer.key("evalEvery")
        writer.int(evalEvery)
        writer.key("kernels")
        writer.string(kernels.rawValue)
        writer.key("length")
        writer.beginObject()
        switch length {
        case .iterations(let count):
            writer.key("iterations")
            writer.beginObject()
            writer.key("_0")
            writer.int(count)
        case .epochs(let count):
            writer.key("epochs")
            writer.beginObject()
            writer.key("_0")
            writer.int(count)
        }
        writer.endObject()
        writer.endObject()
        writer.key("optimizer")
        writer.beginObject()
        writer.key("beta1")
        writer.double(optimizer.beta1)
        writer.key("beta2")
        writer.double(optimizer.beta2)
        writer.key("epsilon")
        writer.double(optimizer.epsilon)
        writer.key("kind")
        writer.string(optimizer.kind.rawValue)
        writer.key("learningRate")
        writer.double(optimizer.learningRate)
        writer.key("momentum")
        writer.double(optimizer.momentum)
        writer.key("weightDecay")
        writer.double(optimizer.weightDecay)
        writer.endObject()
        writer.key("warmupIterations")
        writer.int(warmupIterations)
        writer.endObject()
    }
}
