import Yams

/// Reads a sweep file's YAML against `SweepSchema` into a `SweepDocument`, collecting every
/// problem instead of stopping at the first.
struct SweepReader {
    let file: String
    private var rootLocation: SourceLocation
    private var diagnostics: [SweepDiagnostic] = []
    private(set) var settings: [Setting] = []
    private(set) var invalidPaths: Set<String> = []
    private var name: String?
    private var description: String?
    private(set) var specials: [String: (key: Node, value: Node)] = [:]
    private var isReadable = false

    private init(file: String) {
        self.file = file
        rootLocation = SourceLocation(file: file, line: 1, column: 1)
    }

    /// Reads `yaml`, which came from `file` (used in locations only).
    static func read(yaml: String, file: String) -> SweepDocument {
        var reader = SweepReader(file: file)
        reader.readDocument(yaml)
        let zips = reader.readZips()
        let exclusions = reader.readExclusions()
        return SweepDocument(
            file: file, rootLocation: reader.rootLocation, name: reader.name, description: reader.description,
            settings: reader.settings, zips: zips, exclusions: exclusions,
            isReadable: reader.isReadable, invalidPaths: reader.invalidPaths, diagnostics: reader.diagnostics)
    }

    private mutating func readDocument(_ yaml: String) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            report(syntax: error)
            return
        }
        let expected = "a mapping of keys (" + SweepSchema.root.keys.joined(separator: ", ") + ")"
        guard let root, !root.isNull else {
            diagnose(rootLocation, "", .missingKey, "the file is empty; expected \(expected)")
            return
        }
        rootLocation = root.location(in: file)
        guard case .mapping = root else {
            diagnose(rootLocation, "", .wrongType, "expected \(expected), got \(root.foundDescription)")
            return
        }
        isReadable = true
        readSection(root, SweepSchema.root, writtenPath: "")
        readSeeds()
    }

    // MARK: Mappings and fields

    private mutating func readSection(_ node: Node, _ section: SchemaSection, writtenPath: String) {
        guard case .mapping(let mapping) = node else { return }
        for (keyNode, valueNode) in mapping {
            let location = keyNode.location(in: file)
            guard case .scalar(let keyScalar) = keyNode else {
                diagnose(location, writtenPath, .wrongType, "expected a key, got \(keyNode.foundDescription)")
                continue
            }
            let key = keyScalar.string
            let path = writtenPath.isEmpty ? key : "\(writtenPath).\(key)"
            guard let entry = section.entry(key) else {
                let place = writtenPath.isEmpty ? "at the top level" : "in \(writtenPath)"
                diagnose(location, path, .unknownKey,
                         "unknown key '\(key)' \(place); expected one of: " + section.keys.joined(separator: ", "),
                         suggestion: Suggestion.didYouMean(key, among: section.keys))
                continue
            }
            switch entry {
            case .field(let field):
                readField(valueNode, field, keyLocation: location, writtenPath: path)
            case .section(let inner):
                if case .mapping = valueNode {
                    readSection(valueNode, inner, writtenPath: path)
                } else if let shorthand = inner.shorthand {
                    readField(valueNode, shorthand, keyLocation: location, writtenPath: path)
                } else {
                    diagnose(valueNode.location(in: file), path, .wrongType,
                             "expected a mapping with keys " + inner.keys.joined(separator: ", ")
                                + ", got \(valueNode.foundDescription)")
                }
            case .special(let key):
                specials[key] = (keyNode, valueNode)
            }
        }
    }

    private mutating func readField(_ node: Node, _ field: SchemaField, keyLocation: SourceLocation, writtenPath: String) {
        guard let (values, isAxis) = readValues(node, kind: field.kind, path: writtenPath, canBeAxis: field.canBeAxis) else {
            invalidPaths.insert(field.path)
            return
        }
        switch field.path {
        case "name":
            let name = values[0].text
            let allowed = name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
            }
            if name.isEmpty || !allowed || name.hasPrefix(".") {
                diagnose(values[0].location, writtenPath, .wrongType,
                         "expected a name of letters, digits, '.', '_' and '-' (it names the run folder runs/<name>/), got '\(name)'")
            } else {
                self.name = name
            }
        case "description":
            description = values[0].text
        default:
            settings.append(Setting(field: field, location: keyLocation, values: values, isAxis: isAxis))
        }
    }

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

    private mutating func parse(_ text: String, kind: ValueKind, location: SourceLocation, path: String) -> ParsedValue? {
        switch kind.parse(scalar: text) {
        case .success(let (value, display)):
            return ParsedValue(value: value, text: display, location: location, path: path)
        case .failure(let problem):
            diagnose(location, path, problem.code, problem.message, suggestion: problem.suggestion)
            return nil
        }
    }

    /// One list-valued value (`[300, 100]`, a list of drops).
    private mutating func parseList(_ node: Node, kind: ValueKind, path: String) -> ParsedValue? {
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

    private mutating func parseDrop(_ node: Node, path: String) -> DropChoice? {
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
    private mutating func checkDistinct(_ values: [ParsedValue]) -> Bool {
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

    // MARK: Seeds

    /// `seeds: 3` is seeds 0, 1, 2; `seeds: [7, 8]` lists them. Absent: seed 0.
    private mutating func readSeeds() {
        let field = SweepSchema.seeds
        guard let (keyNode, node) = specials["seeds"] else {
            let zero = ParsedValue(value: .integer(0), text: "0", location: rootLocation, path: "seeds")
            settings.append(Setting(field: field, location: rootLocation, values: [zero], isAxis: true))
            return
        }
        let keyLocation = keyNode.location(in: file)
        if case .scalar(let scalar) = node, !node.isNull {
            let location = node.location(in: file)
            guard let count = parse(scalar.string, kind: .positiveInteger, location: location, path: "seeds") else {
                invalidPaths.insert("seeds")
                return
            }
            let values = (0..<(count.value.integer ?? 1)).map {
                ParsedValue(value: .integer($0), text: String($0), location: location, path: "seeds")
            }
            settings.append(Setting(field: field, location: keyLocation, values: values, isAxis: true))
        } else if let (values, _) = readValues(node, kind: .seed, path: "seeds", canBeAxis: true) {
            settings.append(Setting(field: field, location: keyLocation, values: values, isAxis: true))
        } else {
            invalidPaths.insert("seeds")
        }
    }

    // MARK: Diagnostics

    mutating func diagnose(_ location: SourceLocation, _ path: String, _ code: SweepDiagnostic.Code,
                                   _ message: String, suggestion: String? = nil) {
        diagnostics.append(SweepDiagnostic(location: location, path: path, code: code, message: message, suggestion: suggestion))
    }

    private mutating func report(syntax error: any Error) {
        guard let error = error as? YamlError else {
            diagnose(rootLocation, "", .syntax, "not valid YAML: \(error)")
            return
        }
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            diagnose(at(mark), "", .syntax, "not valid YAML: \(problem)\(while_)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            diagnose(at(context.mark), duplicates.first ?? "", .syntax,
                     "duplicate key " + duplicates.map { "'\($0)'" }.joined(separator: ", ") + "; each key may appear once",
                     suggestion: "to sweep a key, give it a list of values")
        case .reader(let problem, _, _, _):
            diagnose(rootLocation, "", .syntax, "cannot read the text: \(problem)")
        default:
            diagnose(rootLocation, "", .syntax, "not valid YAML: \(error)")
        }
    }
}
