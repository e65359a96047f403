import LotteryCore

/// A trial's branch without the control's replicate number: what summaries and plots group
/// by, so the replicates of a control pool with the seeds.
public enum BranchKind: String, Hashable, Sendable, CaseIterable, Comparable {
    case dense
    case ticket
    case oneShot = "one-shot"
    case reinit
    case randomPrune = "random-prune"

    public init(_ branch: Branch) {
        switch branch {
        case .dense: self = .dense
        case .ticket: self = .ticket
        case .oneShot: self = .oneShot
        case .control(.reinit, _): self = .reinit
        case .control(.randomPrune, _): self = .randomPrune
        }
    }

    /// The control's replicate (0-based), nil for levels.
    static func replicate(of branch: Branch) -> Int? {
        if case .control(_, let replicate) = branch { replicate } else { nil }
    }

    /// True for the pruned levels of a chain (not the dense run, not a control).
    var isPrunedLevel: Bool { self == .ticket || self == .oneShot }

    var isControl: Bool { self == .reinit || self == .randomPrune }

    /// Summary order: the dense run, the levels, then the controls.
    public static func < (lhs: BranchKind, rhs: BranchKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
