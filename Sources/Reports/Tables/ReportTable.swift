import Foundation
import LotteryCore

/// The report's CSV tables, one at a time: what a dashboard offers for download without
/// writing the whole report (plots included) into the run folder.
public enum ReportTable: String, Sendable, CaseIterable {
    case trials = "trials.csv"
    case metrics = "metrics.csv"
    case summary = "summary.csv"

    /// Writes this table of the journal at `journalPath` to `path`, as `lottery report` would
    /// (default grouping: one group per config), reading the sweep file it holds with `readSweep`.
    /// - Throws: `ReportError`.
    public func write(journalPath: String, readSweep: SweepFileReader, to path: String) throws {
        let results = try SweepResults(journalPath: journalPath, readSweep: readSweep)
        switch self {
        case .trials:
            try FileOutput.write(TrialsTable(results), to: path)
        case .metrics:
            try FileOutput.write(MetricsTable(results: results), to: path)
        case .summary:
            let grouping = try Grouping(plan: results.plan, axes: nil)
            try FileOutput.write(SummaryTable(grouping: grouping, levels: LevelSummary.all(results, grouping: grouping)),
                                 to: path)
        }
    }
}
