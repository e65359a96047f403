import LotteryCore

/// The ways `lottery expand` can show a plan.
public enum PlanFormat: String, Hashable, Sendable, CaseIterable {
    /// Counts: configs, chains, trials, shared trials, depth, work.
    case summary
    /// The summary, then one aligned row per trial.
    case table
    /// One row per trial, comma-separated, with a header row.
    case csv
    /// The whole plan: summary, axes, configs, chains, trials with their recipes.
    case json
    /// The trial DAG for Graphviz (`dot -Tsvg`).
    case dot
}

extension Plan {
    /// The plan in `format`, ending with a newline.
    public func rendered(as format: PlanFormat) -> String {
        switch format {
        case .summary: summaryText
        case .table: summaryText + "\n" + PlanTable(self).text
        case .csv: PlanTable(self).csv
        case .json: json
        case .dot: dot
        }
    }
}
