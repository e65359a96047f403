import LotteryCore

/// A key that holds a value (or, as a list, an axis of values).
struct SchemaField: Sendable {
    /// The key as written in its mapping.
    var key: String
    /// The canonical key path the rest of the planner uses, like `training.lr`.
    var path: String
    var kind: ValueKind
    /// False for keys that name the sweep itself (`name`, `description`).
    var canBeAxis: Bool = true
}

/// A key that holds a mapping of further keys.
struct SchemaSection: Sendable {
    var key: String
    var path: String
    var entries: [SchemaEntry]
    /// The field a scalar or a list stands for when written in place of the mapping
    /// (`model: lenet-300-100` is `model: {preset: lenet-300-100}`).
    var shorthand: SchemaField? = nil

    var keys: [String] { entries.map(\.key) }

    func entry(_ key: String) -> SchemaEntry? {
        entries.first { $0.key == key }
    }
}

/// One key of a mapping in the schema.
enum SchemaEntry: Sendable {
    case field(SchemaField)
    case section(SchemaSection)
    /// A top-level key with its own reader: `seeds`, `zip`, `exclude`.
    case special(String)

    var key: String {
        switch self {
        case .field(let field): field.key
        case .section(let section): section.key
        case .special(let key): key
        }
    }
}

/// Every key a sweep file may use. docs/SWEEPS.md documents each of them; keep the two together.
enum SweepSchema {
    static let root = SchemaSection(key: "", path: "", entries: [
        .field(SchemaField(key: "name", path: "name", kind: .text, canBeAxis: false)),
        .field(SchemaField(key: "description", path: "description", kind: .text, canBeAxis: false)),
        .section(dataset),
        .section(model),
        .section(training),
        .section(pruning),
        .field(SchemaField(key: "levels", path: "levels", kind: .nonNegativeInteger)),
        .field(SchemaField(key: "reset", path: "reset", kind: .reset)),
        .section(controls),
        .special("seeds"),
        .special("zip"),
        .special("exclude"),
    ])

    static let datasetName = SchemaField(key: "name", path: "dataset", kind: .choice(DatasetInfo.all.map(\.name)))

    static let dataset = SchemaSection(key: "dataset", path: "dataset", entries: [
        .field(datasetName),
        .field(SchemaField(key: "path", path: "dataset.path", kind: .text)),
        .field(SchemaField(key: "validation", path: "dataset.validation", kind: .positiveInteger)),
        .field(SchemaField(key: "split_seed", path: "dataset.split_seed", kind: .seed)),
        .field(SchemaField(key: "normalize", path: "dataset.normalize", kind: .choice(InputScaling.allCases.map(\.rawValue)))),
    ], shorthand: datasetName)

    static let modelPreset = SchemaField(key: "preset", path: "model", kind: .choice(Preset.all.map(\.name)))

    static let model = SchemaSection(key: "model", path: "model", entries: [
        .field(modelPreset),
        .field(SchemaField(key: "hidden", path: "model.hidden", kind: .layerSizes)),
        .field(SchemaField(key: "dropout", path: "model.dropout", kind: .coefficient)),
    ], shorthand: modelPreset)

    static let training = SchemaSection(key: "training", path: "training", entries: [
        .field(SchemaField(key: "optimizer", path: "training.optimizer",
                           kind: .choice(OptimizerSpec.Kind.allCases.map(\.rawValue)))),
        .field(SchemaField(key: "lr", path: "training.lr", kind: .positiveNumber)),
        .field(SchemaField(key: "batch", path: "training.batch", kind: .positiveInteger)),
        .field(SchemaField(key: "length", path: "training.length", kind: .length)),
        .field(SchemaField(key: "eval_every", path: "training.eval_every", kind: .positiveInteger)),
        .field(SchemaField(key: "momentum", path: "training.momentum", kind: .coefficient)),
        .field(SchemaField(key: "weight_decay", path: "training.weight_decay", kind: .nonNegativeNumber)),
        .field(SchemaField(key: "warmup", path: "training.warmup", kind: .optionalLength)),
        .field(SchemaField(key: "lr_drops", path: "training.lr_drops", kind: .drops)),
        .field(SchemaField(key: "beta1", path: "training.beta1", kind: .coefficient)),
        .field(SchemaField(key: "beta2", path: "training.beta2", kind: .coefficient)),
        .field(SchemaField(key: "epsilon", path: "training.epsilon", kind: .positiveNumber)),
        .field(SchemaField(key: "kernels", path: "training.kernels", kind: .choice(KernelChoice.allCases.map(\.rawValue)))),
    ])

    static let pruning = SchemaSection(key: "pruning", path: "pruning", entries: [
        .field(SchemaField(key: "method", path: "pruning.method", kind: .choice(PruningMethod.allCases.map(\.rawValue)))),
        .field(SchemaField(key: "scope", path: "pruning.scope", kind: .choice(PruningSpec.Scope.allCases.map(\.rawValue)))),
        .section(SchemaSection(key: "rates", path: "pruning.rates", entries: LayerKind.allCases.map {
            .field(SchemaField(key: $0.rawValue, path: "pruning.rates.\($0.rawValue)", kind: .pruningRate))
        })),
        .field(SchemaField(key: "target", path: "pruning.target", kind: .fraction)),
        .field(SchemaField(key: "rounds", path: "pruning.rounds", kind: .positiveInteger)),
        .field(SchemaField(key: "output", path: "pruning.output", kind: .choice(OutputRule.allCases.map(\.rawValue)))),
    ])

    static let controls = SchemaSection(key: "controls", path: "controls", entries: [
        .field(SchemaField(key: "reinit", path: "controls.reinit", kind: .nonNegativeInteger)),
        .field(SchemaField(key: "random_prune", path: "controls.random_prune", kind: .nonNegativeInteger)),
    ])

    /// Every field with every way of naming it in `zip:` and `exclude:`: its canonical path
    /// and the path as nested keys (`model.preset` for `model`), plus `seed` for `seeds`.
    static let fieldsByPath: [String: SchemaField] = {
        var result: [String: SchemaField] = [:]
        func visit(_ section: SchemaSection) {
            for entry in section.entries {
                switch entry {
                case .field(let field):
                    result[field.path] = field
                    result[section.path.isEmpty ? field.key : "\(section.path).\(field.key)"] = field
                case .section(let inner):
                    visit(inner)
                case .special:
                    break
                }
            }
        }
        visit(root)
        result["seeds"] = seeds
        result["seed"] = seeds
        return result
    }()

    /// `seeds:` read as one seed per value.
    static let seeds = SchemaField(key: "seeds", path: "seeds", kind: .seed)
}
