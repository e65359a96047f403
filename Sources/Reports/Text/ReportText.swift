import Foundation
import Journal
import LotteryCore

/// The short text `lottery report` prints: what was read, what was written, and per group
/// and branch how far pruning goes before test accuracy falls behind the dense network.
struct ReportText {
    let results: SweepResults
    let grouping: Grouping
    let levels: [LevelSummary]
    let sizes: [TicketSize]
    let options: ReportOptions
    let directory: String
    let files: [String]

    var text: String {
        var lines: [String] = []
        let counts = results.stateCounts
        let states = TrialState.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
        lines.append("sweep \(results.sweep.name): \(results.trials.count) trials, " + states.joined(separator: ", "))
        lines.append("wrote \(directory): " + files.joined(separator: ", "))
        lines.append("")
        lines.append("Winning tickets: the sparsest level whose mean test accuracy at early stop is within "
                     + "\(Self.points(options.tolerance)) points of the dense network's."
                     + (levels.contains { $0.figures[.earlyStopGeneralizationGap] != nil }
                        ? " Gap: training-sample less test accuracy at early stop, in points." : ""))
        let width = BranchKind.allCases.map(\.rawValue.count).max()!
        for group in grouping.groups {
            let rows = levels.filter { $0.group == group.index }
            guard !rows.isEmpty else { continue }
            let dense = rows.first { $0.branch == .dense }
            guard let dense, let accuracy = dense.figures[.earlyStopTestAccuracy] else {
                lines.append("\(grouping.title(of: group)): dense run not finished yet, nothing to compare with")
                continue
            }
            lines.append("\(grouping.title(of: group)): dense \(Self.percent(accuracy.mean)) "
                         + "(\(Self.trials(accuracy.n))\(Self.gap(dense)))")
            for size in sizes where size.group == group.index {
                let name = size.branch.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
                lines.append("  \(name)  " + describe(size))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func describe(_ size: TicketSize) -> String {
        guard size.finishedLevels > 0 else { return "no finished trials yet" }
        let matching = size.sparsestMatching.map { "matches dense down to \(Self.at($0, gap: true))" }
            ?? "never within \(Self.points(options.tolerance)) points of dense"
        let below = size.firstBelow.map { "first below at \(Self.at($0))" } ?? "never below"
        return matching + "; " + below
    }

    /// `13.5% weights (level 4: 89.30%, 2 trials)`, and with `gap`, `…, 2 trials; gap 3.10 points)`.
    private static func at(_ row: LevelSummary, gap showGap: Bool = false) -> String {
        // `TicketSize` keeps only levels that have both figures.
        guard let weights = row.figures[.weightsRemaining]?.mean, let accuracy = row.figures[.earlyStopTestAccuracy] else {
            return "level \(row.level)"
        }
        return "\(PlotScale.percentLabel(weights))% weights (level \(row.level): \(percent(accuracy.mean)), "
            + "\(trials(accuracy.n))\(showGap ? gap(row) : ""))"
    }

    /// `; gap 3.10 points`: the mean generalization gap at early stop, when it was measured.
    private static func gap(_ row: LevelSummary) -> String {
        guard let gap = row.figures[.earlyStopGeneralizationGap] else { return "" }
        return "; gap " + String(format: "%.2f", 100 * gap.mean) + " points"
    }

    private static func percent(_ fraction: Double) -> String {
        String(format: "%.2f%%", 100 * fraction)
    }

    private static func points(_ value: Double) -> String {
        String(value).trimmingTrailingZeros
    }

    private static func trials(_ count: Int) -> String {
        count == 1 ? "1 trial" : "\(count) trials"
    }
}
