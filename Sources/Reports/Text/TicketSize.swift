/// How far one branch of one group can be pruned and still match its dense network: the
/// "winning ticket" size for the ticket branch, and where a control stops keeping up.
///
/// A level *matches* when its mean test accuracy at early stop (over seeds, and control
/// replicates) is at least the dense network's mean less the tolerance (0.5 points by default).
public struct TicketSize: Sendable, Hashable {
    public var group: Int
    public var branch: BranchKind
    /// The group's dense network: mean test accuracy at early stop (0–1) over its done trials.
    public var denseAccuracy: Double
    /// The matching level with the fewest weights remaining; nil when none matches.
    public var sparsestMatching: LevelSummary?
    /// The level with the most weights remaining that does not match; nil when all match.
    public var firstBelow: LevelSummary?
    /// Levels of this branch with at least one done trial.
    public var finishedLevels: Int

    /// One entry per group with a finished dense run and per branch kind (ticket, one-shot,
    /// reinit, random-prune) it has, in group then branch order.
    static func all(_ levels: [LevelSummary], tolerance: Double) -> [TicketSize] {
        var sizes: [TicketSize] = []
        let groups = Dictionary(grouping: levels, by: \.group)
        for group in groups.keys.sorted() {
            let rows = groups[group]!
            guard let dense = rows.first(where: { $0.branch == .dense })?.figures[.earlyStopTestAccuracy]?.mean else {
                continue
            }
            let threshold = dense - tolerance / 100
            for kind in BranchKind.allCases where kind != .dense {
                let branchRows = rows.filter { $0.branch == kind }
                guard !branchRows.isEmpty else { continue }
                let finished = branchRows.compactMap { row -> (row: LevelSummary, weights: Double, accuracy: Double)? in
                    guard let weights = row.figures[.weightsRemaining]?.mean,
                          let accuracy = row.figures[.earlyStopTestAccuracy]?.mean else { return nil }
                    return (row, weights, accuracy)
                }
                let matching = finished.filter { $0.accuracy >= threshold }
                let below = finished.filter { $0.accuracy < threshold }
                sizes.append(TicketSize(
                    group: group, branch: kind, denseAccuracy: dense,
                    sparsestMatching: matching.min { $0.weights < $1.weights }?.row,
                    firstBelow: below.max { $0.weights < $1.weights }?.row,
                    finishedLevels: finished.count))
            }
        }
        return sizes
    }
}
