import LotteryCore

extension Plan {
    /// The trial DAG in Graphviz's DOT language: one box per trial (level, branch, id,
    /// expected weights remaining, the axis values it has), an edge from each parent;
    /// controls are dashed.
    public var dot: String {
        var lines = ["digraph \(Self.quoted(name)) {",
                     "  rankdir=LR;",
                     "  node [shape=box, fontname=\"Helvetica\", fontsize=10];"]
        for trial in trials {
            var label = ["L\(trial.level) \(trial.branch)", trial.id.rawValue,
                         PlanTable.percent(trial.weightsRemaining) + "% remaining"]
            label += trial.parameters.map(\.description)
            var attributes = ["label=" + Self.quoted(label.joined(separator: "\n"))]
            if case .control = trial.branch { attributes.append("style=dashed") }
            lines.append("  \(Self.quoted(trial.id.rawValue)) [\(attributes.joined(separator: ", "))];")
        }
        for trial in trials {
            guard let parent = trial.parent else { continue }
            let style = if case .control = trial.branch { " [style=dashed]" } else { "" }
            lines.append("  \(Self.quoted(parent.rawValue)) -> \(Self.quoted(trial.id.rawValue))\(style);")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A DOT string literal; line breaks become `\n` escapes.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n") + "\""
    }
}
