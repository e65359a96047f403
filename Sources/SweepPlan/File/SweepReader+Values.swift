import LotteryCore
import Yams

/// Reading the values of a field: one, or a list of them (an axis), each checked.
extension SweepReader {
    /// The value or values written at `node`: one value, or a list of them (an axis).
    /// Nil when anything is wrong; the problems are reported.
    mutating func readValues(_ node: Node, kind: ValueKind, path: String, canBeAxis: Bool) -> ([ParsedValue], isAxis: Bool)? {
        let location = node.location(in: file)
        if node.isNull {
            diagnose(location, path, .wrongType, "expected \(kind.expected), got nothing")
            return nil
        }
        switch node {
        case .scalar(let scalar):
            guard let value = parse(scalar.string, kind: kind, location: location, path: path) else { return nil }
            return ([value], false)
        case .sequence(let sequence) where kind.isListValued:
            guard let first = sequence.first, case .sequence = first else {
                guard let value = parseList(node, kind: kind, path: path) else { return nil }
                return ([value], false)
            }
            var values: [ParsedValue] = []
            var ok = true
            for (index, element) in sequence.enumerated() {
                if case .sequence = element, let value = parseList(element, kind: kind, path: "\(path)[\(index)]") {
                    values.append(value)
                } else {
                    if case .sequence = element {} else {
                        diagnose(element.location(in: file), "\(path)[\(index)]", .wrongType,
                                 "this axis lists whole values, each \(kind.expected); got \(element.foundDescription)")
                    }
                    ok = false
                }
            }
            return ok && checkDistinct(values) ? (values, true) : nil
        case .sequence(let sequence):
            guard canBeAxis else {
                diagnose(location, path, .wrongType, "expected \(kind.expected), got a list (this key cannot be an axis)")
                return nil
            }
            guard !sequence.isEmpty else {
                diagnose(location, path, .emptyGrid, "an empty list leaves no value to run; an axis needs at least one value")
                return nil
            }
            var values: [ParsedValue] = []
            var ok = true
            for (index, element) in sequence.enumerated() {
                let elementPath = "\(path)[\(index)]"
                guard case .scalar(let scalar) = element else {
                    diagnose(element.location(in: file), elementPath, .wrongType,
                             "expected \(kind.expected), got \(element.foundDescription) (an axis is a list of single values)")
                    ok = false
                    continue
                }
                if element.isNull {
                    diagnose(element.location(in: file), elementPath, .wrongType, "expected \(kind.expected), got nothing")
                    ok = false
                } else if let value = parse(scalar.string, kind: kind, location: element.location(in: file), path: elementPath) {
                    values.append(value)
                } else {
                    ok = false
                }
            }
            return ok && checkDistinct(values) ? (values, true) : nil
        case .mapping, .alias:
            diagnose(location, path, .wrongType, "expected \(kind.expected), got \(node.foundDescription)")
            return nil
        }
    }

    mutating func parse(_ text: String, kind: ValueKind, location: SourceLocation, path: String) -> ParsedValue? {
        switch kind.parse(scalar: text) {
        case .success(let (value, display)):
            return ParsedValue(value: value, text: display, location: location, path: path)
        case .failure(let problem):
            diagnose(location, path, problem.code, problem.message, suggestion: problem.suggestion)
            return nil
        }
    }

    /// One list-valued value (`[300, 100]`, a list of drops).
    mutating func parseList(_ node: Node, kind: ValueKind, path: String) -> ParsedValue? {
        guard case .sequence(let sequence) = node else { return nil }
        let location = node.location(in: file)
        var ok = true
        switch kind {
        case .layerSizes:
            var sizes: [Int] = []
            for (index, element) in sequence.enumerated() {
                let elementPath = "\(path)[\(index)]"
                guard case .scalar(let scalar) = element, !element.isNull else {
                    diagnose(element.location(in: file), elementPath, .wrongType,
                             "expected a layer size (a whole number > 0), got \(element.foundDescription)")
                    ok = false
                    continue
                }
                guard let value = parse(scalar.string, kind: .positiveInteger,
                                        location: element.location(in: file), path: elementPath) else {
                    ok = false
                    continue
                }
                sizes.append(value.value.integer ?? 0)
            }
            guard ok else { return nil }
            return ParsedValue(value: .integers(sizes), text: "[" + sizes.map(String.init).joined(separator: ", ") + "]",
                               location: location, path: path)
        case .drops:
            var drops: [DropChoice] = []
            for (index, element) in sequence.enumerated() {
                if let drop = parseDrop(element, path: "\(path)[\(index)]") {
                    drops.append(drop)
                } else {
                    ok = false
                }
            }
            guard ok else { return nil }
            let text = "[" + drops.map { "\($0.at)*\(CanonicalForm.number($0.factor))" }.joined(separator: ", ") + "]"
            return ParsedValue(value: .drops(drops), text: text, location: location, path: path)
        default:
            return nil
        }
    }

    mutating func parseDrop(_ node: Node, path: String) -> DropChoice? {
        let location = node.location(in: file)
        guard case .mapping(let mapping) = node else {
            diagnose(location, path, .wrongType, "expected a drop like {at: 20000it, factor: 0.1}, got \(node.foundDescription)")
            return nil
        }
        var at: TrainingLength?
        var factor: Double?
        var written: Set<String> = []
        var ok = true
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            written.insert(key)
            switch key {
            case "at":
                at = readValues(valueNode, kind: .length, path: "\(path).at", canBeAxis: false)?.0.first?.value.length
                ok = ok && at != nil
            case "factor":
                factor = readValues(valueNode, kind: .positiveNumber, path: "\(path).factor", canBeAxis: false)?.0.first?.value.number
                ok = ok && factor != nil
            default:
                diagnose(keyNode.location(in: file), "\(path).\(key)", .unknownKey,
                         "unknown key '\(key)' in a learning-rate drop; expected one of: at, factor",
                         suggestion: Suggestion.didYouMean(key, among: ["at", "factor"]))
                ok = false
            }
        }
        for key in ["at", "factor"] where !written.contains(key) {
            diagnose(location, path, .missingKey, "a learning-rate drop needs '\(key)'",
                     suggestion: "write it like {at: 20000it, factor: 0.1}")
            ok = false
        }
        guard ok, let at, let factor else { return nil }
        return DropChoice(at: at, factor: factor)
    }

    /// Reports values an axis repeats; true when all are distinct.
    mutating func checkDistinct(_ values: [ParsedValue]) -> Bool {
        var seen: [SettingValue: ParsedValue] = [:]
        var ok = true
        for value in values {
            if let first = seen[value.value] {
                diagnose(value.location, value.path, .duplicateValue,
                         "repeats the value \(value.text) (first at \(first.location.line):\(first.location.column)); each value of an axis must differ")
                ok = false
            } else {
                seen[value.value] = value
            }
        }
        return ok
    }
}
