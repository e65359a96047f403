/// `summary.csv`: one row per group × level × branch kind, with statistics over seeds (and
/// control replicates) of the key figures of its done trials. The first column is `config`
/// when each group is one config (the default), `group` when `--group-by` pools configs.
struct SummaryTable: CSVTable {
    let grouping: Grouping
    let levels: [LevelSummary]

    var header: [String] {
        [grouping.isByConfig ? "config" : "group"] + grouping.axes + ["level", "branch", "trials", "n", "planned_weights_remaining_pct"]
            + KeyFigure.allCases.flatMap { figure in ["mean", "std", "min", "max"].map { "\(figure.column)_\($0)" } }
    }

    func forEachRow(_ body: ([String?]) throws -> Void) rethrows {
        for level in levels {
            let group = grouping.groups[level.group]
            var row: [String?] = [String(group.index)]
            row += grouping.axes.map { group.value(of: $0) }
            row += [String(level.level), level.branch.rawValue, String(level.trials.count), String(level.done),
                    CSV.number(level.plannedWeightsRemaining)]
            for figure in KeyFigure.allCases {
                let statistics = level.figures[figure]
                row += [CSV.number(statistics?.mean), CSV.number(statistics?.std),
                        CSV.number(statistics?.min), CSV.number(statistics?.max)]
            }
            try body(row)
        }
    }
}
