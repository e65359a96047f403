import LotteryCore

/// One value of a sweep-file setting, parsed and range-checked but not yet resolved
/// against a preset or a dataset (an epoch count stays an epoch count here).
enum SettingValue: Hashable, Sendable {
    case integer(Int)
    case number(Double)
    /// A name, a choice among fixed words, a path or free text.
    case word(String)
    case length(TrainingLength)
    case reset(ResetChoice)
    /// Layer sizes, like `[300, 100]`.
    case integers([Int])
    case drops([DropChoice])

    var integer: Int? { if case .integer(let value) = self { value } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }
    var word: String? { if case .word(let value) = self { value } else { nil } }
    var length: TrainingLength? { if case .length(let value) = self { value } else { nil } }
    var reset: ResetChoice? { if case .reset(let value) = self { value } else { nil } }
    var integers: [Int]? { if case .integers(let value) = self { value } else { nil } }
    var drops: [DropChoice]? { if case .drops(let value) = self { value } else { nil } }
}

/// `reset:` as written: the rewind point may still be in epochs.
enum ResetChoice: Hashable, Sendable {
    case original
    case rewind(TrainingLength)
}

/// One entry of `training.lr_drops` as written.
struct DropChoice: Hashable, Sendable {
    var at: TrainingLength
    var factor: Double
}

/// A value together with where it was written and how to show it.
struct ParsedValue: Hashable, Sendable {
    var value: SettingValue
    /// How reports show the value: as written for numbers and names, normalised for
    /// lengths (`50000it`) and lists.
    var text: String
    var location: SourceLocation
    /// The key path of this value, with an index when it is one value of an axis
    /// (`pruning.rates.fc[1]`).
    var path: String
}

/// One key of the sweep file: a single value, or several, which makes it an axis.
struct Setting: Sendable {
    var field: SchemaField
    /// The canonical key path, like `training.lr` (also for `model.preset`, which is `model`).
    var path: String { field.path }
    /// Where the key was written.
    var location: SourceLocation
    var values: [ParsedValue]
    /// True when the file gave a list of values (even a list of one).
    var isAxis: Bool
}
