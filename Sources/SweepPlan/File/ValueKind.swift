import LotteryCore

/// What one value of a setting must look like, and how to read it.
enum ValueKind: Sendable, Equatable {
    /// Any string (names, descriptions, paths).
    case text
    case positiveInteger
    case nonNegativeInteger
    case positiveNumber
    case nonNegativeNumber
    /// In [0, 1): momentum, Adam's β.
    case coefficient
    /// In [0, 1): a share of a layer's remaining weights removed per round; 0 = not pruned.
    case pruningRate
    /// In (0, 1): a fraction of weights remaining.
    case fraction
    /// One of these words (matched ignoring case).
    case choice([String])
    /// `50000it`, `40ep` or a bare number of iterations, > 0.
    case length
    /// Like `length` but 0 is allowed (warm-up).
    case optionalLength
    /// `original` or `rewind:<length>`.
    case reset
    /// A list of positive layer sizes: one value is itself a list.
    case layerSizes
    /// A list of `{at: <length>, factor: <number>}`: one value is itself a list.
    case drops
    /// A whole number ≥ 0 that fits a UInt64 seed.
    case seed

    /// True when one value is written as a YAML list, so an axis is a list of lists.
    var isListValued: Bool {
        switch self {
        case .layerSizes, .drops: true
        default: false
        }
    }

    /// What a value must be, for messages ("expected …").
    var expected: String {
        switch self {
        case .text: "a string"
        case .positiveInteger: "a whole number > 0"
        case .nonNegativeInteger: "a whole number ≥ 0"
        case .positiveNumber: "a number > 0"
        case .nonNegativeNumber: "a number ≥ 0"
        case .coefficient: "a number in [0, 1)"
        case .pruningRate: "a pruning rate in [0, 1) (the share of a layer's remaining weights removed per round; 0 = not pruned)"
        case .fraction: "a fraction in (0, 1)"
        case .choice(let words): "one of " + words.joined(separator: ", ")
        case .length: "a training length > 0, like 50000it or 40ep"
        case .optionalLength: "a number of iterations ≥ 0, like 1000it or 2ep"
        case .reset: "original or rewind:<iterations>, like rewind:500 or rewind:2ep"
        case .layerSizes: "a list of layer sizes, like [300, 100]"
        case .drops: "a list of learning-rate drops, like [{at: 20000it, factor: 0.1}]"
        case .seed: "a whole number ≥ 0"
        }
    }
}

/// Why a value could not be read.
struct ValueProblem: Error {
    var code: SweepDiagnostic.Code
    var message: String
    var suggestion: String?
}

extension ValueKind {
    /// Reads one scalar. `text` is the scalar as written; `quoted` says whether it was in quotes.
    func parse(scalar text: String) -> Result<(SettingValue, display: String), ValueProblem> {
        let trimmed = text.trimmingSpaces
        switch self {
        case .text:
            return .success((.word(text), text))
        case .positiveInteger, .nonNegativeInteger, .seed:
            guard let value = Self.integer(trimmed) else {
                return .failure(wrongType(text))
            }
            let low = self == .positiveInteger ? 1 : 0
            guard value >= low else { return .failure(outOfRange(trimmed)) }
            return .success((.integer(value), String(value)))
        case .positiveNumber, .nonNegativeNumber, .coefficient, .pruningRate, .fraction:
            guard let value = Self.number(trimmed) else { return .failure(wrongType(text)) }
            let inRange = switch self {
            case .positiveNumber: value > 0
            case .nonNegativeNumber: value >= 0
            case .coefficient, .pruningRate: value >= 0 && value < 1
            default: value > 0 && value < 1
            }
            guard inRange else { return .failure(outOfRange(trimmed)) }
            return .success((.number(value), trimmed))
        case .choice(let words):
            if let word = words.first(where: { $0.lowercased() == trimmed.lowercased() }) {
                return .success((.word(word), word))
            }
            // A folder where a name belongs: the name says how to read the files there.
            let looksLikeFolder = trimmed.contains("/") && words.contains("fashion-mnist")
            return .failure(ValueProblem(
                code: .unknownName, message: "unknown value '\(text)'; expected \(expected)",
                suggestion: looksLikeFolder
                    ? "a folder needs its dataset's name, e.g. dataset: {name: mnist, path: \(trimmed)}"
                    : Suggestion.didYouMean(trimmed, among: words)))
        case .length, .optionalLength:
            guard let length = Self.length(trimmed) else { return .failure(wrongType(text)) }
            guard length.count > 0 || (self == .optionalLength && length.count == 0) else { return .failure(outOfRange(trimmed)) }
            return .success((.length(length), length.description))
        case .reset:
            let lower = trimmed.lowercased()
            if lower == "original" { return .success((.reset(.original), "original")) }
            for prefix in ["rewind:", "rewind "] where lower.hasPrefix(prefix) {
                let rest = String(lower.dropFirst(prefix.count)).trimmingSpaces
                guard let length = Self.length(rest) else { return .failure(wrongType(text)) }
                guard length.count > 0 else {
                    return .failure(ValueProblem(
                        code: .outOfRange, message: "the rewind point must be after iteration 0, got '\(text)'",
                        suggestion: "use 'original' to reset to the initial weights"))
                }
                return .success((.reset(.rewind(length)), "rewind:\(length)"))
            }
            if lower == "rewind" {
                return .failure(ValueProblem(code: .wrongType, message: "rewind needs a point; expected \(expected)"))
            }
            // Suggest on the word before the point, so `rewnd:100` gets `rewind:100`.
            let head = String(lower.prefix { $0 != ":" && $0 != " " })
            let rest = lower.dropFirst(head.count)
            let suggestion = Suggestion.nearest(to: head, among: ["original", "rewind"]).map {
                "did you mean '\($0 == "rewind" ? $0 + rest : $0)'?"
            }
            return .failure(ValueProblem(code: .wrongType, message: "expected \(expected), got '\(text)'",
                                         suggestion: suggestion))
        case .layerSizes, .drops:
            return .failure(ValueProblem(code: .wrongType, message: "expected \(expected), got '\(text)'"))
        }
    }

    private func wrongType(_ text: String) -> ValueProblem {
        ValueProblem(code: .wrongType, message: "expected \(expected), got '\(text)'")
    }

    private func outOfRange(_ text: String) -> ValueProblem {
        ValueProblem(code: .outOfRange, message: "expected \(expected), got \(text)")
    }

    /// A decimal integer; `_` may group digits (`50_000`).
    static func integer(_ text: String) -> Int? {
        Int(text.filter { $0 != "_" })
    }

    /// A finite decimal number (`0.2`, `1.2e-3`, `2e-4`); `_` may group digits.
    static func number(_ text: String) -> Double? {
        guard let value = Double(text.filter { $0 != "_" }), value.isFinite else { return nil }
        return value
    }

    /// `50000it`, `40ep` or a bare number of iterations (not range-checked).
    static func length(_ text: String) -> TrainingLength? {
        let lower = text.lowercased().filter { $0 != "_" }
        if lower.hasSuffix("it"), let count = Int(lower.dropLast(2)) { return .iterations(count) }
        if lower.hasSuffix("ep"), let count = Int(lower.dropLast(2)) { return .epochs(count) }
        if let count = Int(lower) { return .iterations(count) }
        return nil
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}

extension TrainingLength {
    /// The number as written, iterations or epochs.
    var count: Int {
        switch self {
        case .iterations(let count), .epochs(let count): count
        }
    }
}
