import LotteryCore

/// One problem found in a sweep file: where, at which key, what was wrong and what was
/// expected, and what to do about it when that can be guessed.
public struct SweepDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is, for callers and tests that branch on it. New codes may
    /// be added; match the ones you care about.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The text is not YAML (bad indentation, unclosed bracket, duplicate key, …).
        public static let syntax = Code("syntax")
        /// A key the schema does not know.
        public static let unknownKey = Code("unknown-key")
        /// A required key is missing.
        public static let missingKey = Code("missing-key")
        /// The value has the wrong shape or type (a word where a number belongs, a mapping
        /// where a scalar belongs, …).
        public static let wrongType = Code("wrong-type")
        /// A number outside its allowed range (a rate ≥ 1, a length ≤ 0, …).
        public static let outOfRange = Code("out-of-range")
        /// A name that is not one of the allowed ones (preset, dataset, optimizer, …).
        public static let unknownName = Code("unknown-name")
        /// An axis lists the same value twice.
        public static let duplicateValue = Code("duplicate-value")
        /// Two settings that cannot be used together, or a value another setting makes impossible.
        public static let conflict = Code("conflict")
        /// A rewind point or learning-rate drop beyond the end of the run.
        public static let beyondRun = Code("beyond-run")
        /// `zip:` lists axes of different lengths, or is malformed.
        public static let zip = Code("zip")
        /// `exclude:` names something that is not an axis or a value the axis does not have.
        public static let exclude = Code("exclude")
        /// The grid has no point: an empty list, or `exclude:` removed everything.
        public static let emptyGrid = Code("empty-grid")
        /// The grid has more points than the planner will expand.
        public static let tooLarge = Code("too-large")
    }

    public var location: SourceLocation
    /// The key path of the offending value, like `training.lr` or `pruning.rates.fc[2]`.
    public var path: String
    public var code: Code
    /// What was found and what was expected.
    public var message: String
    /// What to do, when it can be guessed (for an unknown key: the nearest known key).
    public var suggestion: String?

    public init(location: SourceLocation, path: String, code: Code, message: String, suggestion: String? = nil) {
        self.location = location
        self.path = path
        self.code = code
        self.message = message
        self.suggestion = suggestion
    }

    /// `file:line:column: error: path: message (suggestion)`.
    public var description: String {
        var text = "\(location): error: "
        if !path.isEmpty { text += "\(path): " }
        text += message
        if let suggestion { text += " (\(suggestion))" }
        return text
    }
}
