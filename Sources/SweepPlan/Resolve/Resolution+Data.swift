import LotteryCore

extension Resolution {
    /// The preset `model` names; nil when there is none (reported, unless it was invalid).
    mutating func preset() -> Preset? {
        guard let presetName = values["model"]?.value.word else {
            missing("model", "missing key 'model': the model preset (" + Preset.all.map(\.name).joined(separator: ", ") + ")",
                    suggestion: "add model: lenet-300-100")
            return nil
        }
        return Preset.named(presetName)
    }

    /// The preset's model, or a custom MLP with the file's hidden sizes, with
    /// dropout after its hidden fully connected layers when the file asks.
    mutating func model(from preset: Preset) -> ModelSpec {
        let model = layers(from: preset)
        guard let rate = values["model.dropout"]?.value.number else { return model }
        return model.withDropout(rate)
    }

    private mutating func layers(from preset: Preset) -> ModelSpec {
        guard let hidden = values["model.hidden"] else { return preset.model }
        guard preset.model.isMultilayerPerceptron else {
            problem(hidden.location, "model.hidden", .conflict,
                    "hidden sizes replace the layers of an MLP preset, but \(preset.name) has convolutional layers",
                    suggestion: "use model: {preset: lenet-300-100, hidden: \(hidden.text)} for a custom MLP")
            return preset.model
        }
        return .mlp(hidden: hidden.value.integers ?? [])
    }

    /// The data of the run: the file's dataset, or the preset's paper dataset.
    mutating func data(for preset: Preset) -> (DataSpec, DatasetInfo)? {
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
        let normalize = values["dataset.normalize"]?.value.word.flatMap(InputScaling.init(rawValue:)) ?? .standard
        return (DataSpec(dataset: dataset.name, path: path, validationSize: validation, splitSeed: splitSeed,
                         normalize: normalize), dataset)
    }

    /// Training examples left after the hold-out. After an impossible hold-out (reported by
    /// `data(for:)`), the rest is checked as if it were the default one.
    func trainingSplit(of dataset: DatasetInfo, holdingOut validation: Int) -> Int {
        validation < dataset.trainExamples
            ? dataset.trainExamples - validation
            : max(1, dataset.trainExamples - DataSpec(dataset: dataset.name).validationSize)
    }
}
