import LotteryCore

/// One row per trial of a plan, with one column per axis, as aligned text or CSV.
struct PlanTable {
    var header: [String]
    var rows: [[String]]

    init(_ plan: Plan) {
        let axisNames = plan.axes.map(\.name)
        header = ["id", "parent", "level", "branch", "chains"] + axisNames
            + ["pruning", "remaining%", "iterations", "batch", "samples"]
        rows = plan.trials.map { trial in
            var row = [trial.id.rawValue, trial.parent?.rawValue ?? "", String(trial.level), trial.branch.description,
                       trial.chains.map(String.init).joined(separator: " ")]
            row += axisNames.map { trial.parameter($0) ?? "" }
            row += [Self.pruning(trial.recipe.start), Self.percent(trial.weightsRemaining), String(trial.iterations),
                    String(trial.recipe.training.batchSize), String(trial.samples)]
            return row
        }
    }

    /// Columns padded to their widest cell, two spaces apart.
    var text: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            zip(row, widths).map { $0.padding(to: $1) }.joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n") + "\n"
    }

    /// RFC 4180: fields with commas, quotes or line breaks are quoted, quotes doubled.
    var csv: String {
        ([header] + rows).map { row in
            row.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    /// `fc 20% output 10%`, `global fc 20%`, or empty for trials that do not prune.
    static func pruning(_ start: TrialRecipe.Start) -> String {
        guard case .prune(let spec) = start else { return "" }
        let rates = LayerKind.allCases.filter { spec.rates[$0] > 0 }
            .map { "\($0.rawValue) \(percent(spec.rates[$0]).trimmingZeros)%" }
        return ((spec.scope == .global ? ["global"] : []) + rates).joined(separator: " ")
    }

    /// 0.0123 → `1.23`: percent with three significant digits, at most two decimals.
    static func percent(_ fraction: Double) -> String {
        let percent = fraction * 100
        let decimals = percent >= 10 ? 1 : 2
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (percent * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let have = text.distance(from: dot, to: text.endIndex) - 1
            if have < decimals { text += String(repeating: "0", count: decimals - have) }
        }
        return text
    }
}

extension String {
    /// `20.0` → `20`, `43.80` → `43.8`.
    var trimmingZeros: String {
        guard contains(".") else { return self }
        var copy = self
        while copy.last == "0" { copy.removeLast() }
        if copy.last == "." { copy.removeLast() }
        return copy
    }

    var trimmingTrailingSpaces: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
