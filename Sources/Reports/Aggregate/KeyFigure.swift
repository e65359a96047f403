import LotteryCore

/// The numbers of a finished trial that summaries aggregate over seeds.
public enum KeyFigure: String, Hashable, Sendable, CaseIterable {
    /// Percent of prunable weights remaining, 0–100.
    case weightsRemaining = "weights_remaining_pct"
    /// The iteration of minimum validation loss.
    case earlyStopIteration = "early_stop_iteration"
    /// Test accuracy (0–1) at the early-stop iteration.
    case earlyStopTestAccuracy = "early_stop_test_accuracy"
    /// Test accuracy (0–1) at the end of training.
    case finalTestAccuracy = "final_test_accuracy"
    /// Minimum validation loss (mean cross-entropy).
    case minValidationLoss = "min_validation_loss"
    /// Accuracy (0–1) on the training sample at the early-stop iteration.
    case earlyStopTrainAccuracy = "early_stop_train_accuracy"
    /// Accuracy (0–1) on the training sample at the end of training.
    case finalTrainAccuracy = "final_train_accuracy"
    /// Training less test accuracy (a fraction) at the early-stop iteration.
    case earlyStopGeneralizationGap = "early_stop_generalization_gap"
    /// Training less test accuracy (a fraction) at the end of training.
    case finalGeneralizationGap = "final_generalization_gap"

    /// The figure's column name stem in the CSV files.
    public var column: String { rawValue }

    public func value(of summary: RunSummary) -> Double {
        switch self {
        case .weightsRemaining: summary.percentRemaining
        case .earlyStopIteration: Double(summary.earlyStopIteration)
        case .earlyStopTestAccuracy: summary.earlyStopTestAccuracy
        case .finalTestAccuracy: summary.finalTestAccuracy
        case .minValidationLoss: summary.minValidationLoss
        case .earlyStopTrainAccuracy: summary.earlyStopTrainAccuracy
        case .finalTrainAccuracy: summary.finalTrainAccuracy
        case .earlyStopGeneralizationGap: summary.earlyStopGeneralizationGap
        case .finalGeneralizationGap: summary.finalGeneralizationGap
        }
    }
}
