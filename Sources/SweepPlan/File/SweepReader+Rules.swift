import LotteryCore
import Yams

/// `zip:` and `exclude:`, read once every setting is known, since they name axes.
extension SweepReader {
    /// `zip: [[a, b], [c, d]]` (or `zip: [a, b]` for one group): axes that vary together.
    mutating func readZips() -> [ZipGroup] {
        guard let (_, node) = specials["zip"] else { return [] }
        let example = "like [[pruning.rates.fc, pruning.rates.output]]"
        guard case .sequence(let sequence) = node else {
            diagnose(node.location(in: file), "zip", .wrongType, "expected a list of groups of axes, \(example); got \(node.foundDescription)")
            return []
        }
        let isSingleGroup = sequence.allSatisfy { if case .scalar = $0 { true } else { false } }
        let groupNodes = isSingleGroup ? [node] : Array(sequence)
        var groups: [ZipGroup] = []
        var zipped: [String: SourceLocation] = [:]
        for (index, groupNode) in groupNodes.enumerated() {
            let groupPath = isSingleGroup ? "zip" : "zip[\(index)]"
            let location = groupNode.location(in: file)
            guard case .sequence(let members) = groupNode else {
                diagnose(location, groupPath, .wrongType, "expected a list of axes, \(example); got \(groupNode.foundDescription)")
                continue
            }
            var paths: [String] = []
            var ok = true
            for (memberIndex, member) in members.enumerated() {
                guard let setting = axis(named: member, path: "\(groupPath)[\(memberIndex)]", code: .zip) else {
                    ok = false
                    continue
                }
                if let first = zipped[setting.path] ?? (paths.contains(setting.path) ? location : nil) {
                    diagnose(member.location(in: file), "\(groupPath)[\(memberIndex)]", .zip,
                             "'\(setting.path)' is already zipped at line \(first.line); an axis can be in one group only")
                    ok = false
                    continue
                }
                paths.append(setting.path)
            }
            guard ok else { continue }
            guard paths.count >= 2 else {
                diagnose(location, groupPath, .zip, "a zip group needs at least two axes, got \(paths.count)")
                continue
            }
            let counts = paths.map { path in settings.first { $0.path == path }?.values.count ?? 0 }
            guard Set(counts).count == 1 else {
                let listed = zip(paths, counts).map { "\($0) has \($1)" }.joined(separator: ", ")
                diagnose(location, groupPath, .zip, "zipped axes must have the same number of values, but \(listed)",
                         suggestion: "give each zipped axis one value per grid point")
                continue
            }
            for path in paths { zipped[path] = location }
            groups.append(ZipGroup(location: location, paths: paths))
        }
        return groups
    }

    /// `exclude: [{pruning.method: one-shot, levels: 20}]`: grid points to leave out.
    mutating func readExclusions() -> [Exclusion] {
        guard let (_, node) = specials["exclude"] else { return [] }
        let example = "like [{pruning.method: one-shot, levels: 20}]"
        guard case .sequence(let sequence) = node else {
            diagnose(node.location(in: file), "exclude", .wrongType,
                     "expected a list of combinations to leave out, \(example); got \(node.foundDescription)")
            return []
        }
        var exclusions: [Exclusion] = []
        for (index, entry) in sequence.enumerated() {
            let entryPath = "exclude[\(index)]"
            let location = entry.location(in: file)
            guard case .mapping(let mapping) = entry, !mapping.isEmpty else {
                diagnose(location, entryPath, .wrongType, "expected a mapping of axis to value, \(example); got \(entry.foundDescription)")
                continue
            }
            var conditions: [(path: String, values: Set<SettingValue>)] = []
            var ok = true
            for (keyNode, valueNode) in mapping {
                let keyPath = "\(entryPath).\(keyNode.string ?? "")"
                guard let setting = axis(named: keyNode, path: keyPath, code: .exclude),
                      let (values, _) = readValues(valueNode, kind: setting.field.kind, path: keyPath, canBeAxis: true)
                else {
                    ok = false
                    continue
                }
                let axisValues = Set(setting.values.map(\.value))
                for value in values where !axisValues.contains(value.value) {
                    diagnose(value.location, value.path, .exclude,
                             "'\(setting.path)' has no value \(value.text); its values are "
                                + setting.values.map(\.text).joined(separator: ", "))
                    ok = false
                }
                conditions.append((setting.path, Set(values.map(\.value))))
            }
            if ok {
                exclusions.append(Exclusion(location: location, conditions: conditions))
            }
        }
        return exclusions
    }

    /// The axis a `zip:` member or an `exclude:` key names; nil (reported, unless the
    /// setting itself was invalid) when it names no axis.
    private mutating func axis(named node: Node, path: String, code: SweepDiagnostic.Code) -> Setting? {
        let location = node.location(in: file)
        let axes = settings.filter(\.isAxis).map(\.path)
        guard case .scalar(let scalar) = node, !node.isNull else {
            diagnose(location, path, .wrongType, "expected the key path of an axis, like pruning.rates.fc; got \(node.foundDescription)")
            return nil
        }
        let name = scalar.string
        guard let field = SweepSchema.fieldsByPath[name] else {
            diagnose(location, path, .unknownKey, "unknown key path '\(name)'",
                     suggestion: Suggestion.didYouMean(name, among: axes + SweepSchema.fieldsByPath.keys.sorted()))
            return nil
        }
        if invalidPaths.contains(field.path) { return nil }
        guard let setting = settings.first(where: { $0.path == field.path }), setting.isAxis else {
            let axesText = axes.isEmpty ? "the file has no axes" : "the axes are " + axes.joined(separator: ", ")
            diagnose(location, path, code, "'\(name)' is not an axis (it is not given a list of values); \(axesText)",
                     suggestion: Suggestion.didYouMean(name, among: axes))
            return nil
        }
        return setting
    }
}
