import LotteryCore
import Yams

extension SweepReader {
    /// `seeds: 3` is seeds 0, 1, 2; `seeds: [7, 8]` lists them. Absent: seed 0.
    mutating func readSeeds() {
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
}
