import LotteryCore
import Yams

/// Reads a sweep file's YAML against `SweepSchema` into a `SweepDocument`, collecting every
/// problem instead of stopping at the first.
struct SweepReader {
    let file: String
    var rootLocation: SourceLocation
    var diagnostics: [SweepDiagnostic] = []
    var settings: [Setting] = []
    var invalidPaths: Set<String> = []
    var name: String?
    var description: String?
    var specials: [String: (key: Node, value: Node)] = [:]
    var isReadable = false

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

    // MARK: Diagnostics

    mutating func diagnose(_ location: SourceLocation, _ path: String, _ code: SweepDiagnostic.Code,
                                   _ message: String, suggestion: String? = nil) {
        diagnostics.append(SweepDiagnostic(location: location, path: path, code: code, message: message, suggestion: suggestion))
    }
}
