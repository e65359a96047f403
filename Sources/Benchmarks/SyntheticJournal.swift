import Foundation
import Journal
import LotteryCore

/// A journal of a sweep that trained nothing, written through the journal's own API as a
/// coordinator would write it: every trial assigned, its learning curve streamed and its
/// result recorded, except the chains left pending (so that a coordinator started on it has
/// work to hand out). What `lottery bench journal` measures reports, status and resume on,
/// at sizes no real sweep on one machine reaches.
///
/// The sweep is LeNet-300-100 with 3 levels of iterative pruning and a `reinit` and a
/// `random_prune` control at each pruned level: 10 trials per chain (seed). Each finished
/// trial streams `evaluations` evaluations of the 3 splits, 100 iterations apart; the
/// curves are smooth and differ from trial to trial, deterministically.
public struct SyntheticJournal: Sendable {
    /// Trials of one chain: dense, 3 levels, and the 2 controls at each level.
    public static let trialsPerChain = 10

    /// Trials in the sweep, a multiple of `trialsPerChain`.
    public var trials: Int
    /// Evaluations per finished trial (each is 3 metric points: train, validation, test).
    public var evaluations: Int
    /// Chains whose trials are all left pending.
    public var pendingChains: Int

    /// - Throws: `SyntheticJournal.Error` for sizes it cannot make.
    public init(trials: Int, evaluations: Int, pendingChains: Int = 0) throws {
        guard trials > 0, trials % Self.trialsPerChain == 0 else {
            throw Error("--trials \(trials): must be a positive multiple of \(Self.trialsPerChain) (a chain is a dense run, "
                        + "3 levels and 2 controls at each)")
        }
        guard evaluations >= 1 else { throw Error("evaluations per trial must be at least 1, not \(evaluations)") }
        guard pendingChains >= 0, pendingChains <= trials / Self.trialsPerChain else {
            throw Error("--pending-chains \(pendingChains): the sweep has \(trials / Self.trialsPerChain) chains")
        }
        self.trials = trials
        self.evaluations = evaluations
        self.pendingChains = pendingChains
    }

    /// The size whose finished trials stream at least `points` metric points in all: the
    /// evaluations per trial rounded up.
    public init(trials: Int, points: Int, pendingChains: Int = 0) throws {
        guard trials > 0, trials % Self.trialsPerChain == 0 else { try self.init(trials: trials, evaluations: 1); return }
        let finished = trials - pendingChains * Self.trialsPerChain
        guard pendingChains >= 0, finished > 0 else {
            throw Error("--pending-chains \(pendingChains): the sweep has \(trials / Self.trialsPerChain) chains, and at least "
                        + "one must finish to stream the points")
        }
        guard points >= 3 * finished else {
            throw Error("--points \(points): at least 3 per finished trial (\(3 * finished)), one evaluation of each split")
        }
        try self.init(trials: trials, evaluations: (points + 3 * finished - 1) / (3 * finished), pendingChains: pendingChains)
    }

    /// Iterations between evaluations, as the paper's deep networks.
    public static let evalEvery = 100

    /// The sweep file.
    public var sweepText: String {
        """
        # A synthetic sweep for `lottery bench journal`: its journal is written without training.
        name: bench-journal
        dataset: fashion-mnist
        model: lenet-300-100
        training: {length: \(max(1, (evaluations - 1) * Self.evalEvery))it, eval_every: \(Self.evalEvery)}
        levels: 3
        controls: {reinit: 1, random_prune: 1}
        seeds: \(trials / Self.trialsPerChain)

        """
    }

    /// What was written.
    public struct Written: Sendable {
        public var trials: Int
        public var finished: Int
        public var metricPoints: Int
    }

    /// Creates the journal at `path` (which must not exist) for `sweep` (parsed from
    /// `sweepText`). `progress` is called with the trials written so far, now and then.
    /// - Throws: `SyntheticJournal.Error`, `SQLiteError`.
    @discardableResult
    public func write(to path: String, sweep: Sweep, plan: Plan,
                      progress: (Int) -> Void = { _ in }) throws -> Written {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw Error("\(path) exists already; give a new place for the synthetic journal")
        }
        guard plan.trials.count == trials else {
            throw Error("the sweep expands to \(plan.trials.count) trials, not \(trials)")
        }
        let journal = try Journal(path: path)
        var clock = 1_000_000.0
        _ = try journal.begin(sweep: sweep, plan: plan, at: clock)
        // The last chains stay pending whole: their dense runs are ready to assign.
        let pendingFrom = plan.chains.count - pendingChains
        var written = Written(trials: trials, finished: 0, metricPoints: 0)
        let shapes = sweep.chains.first?.weightShapes ?? []
        let batch = 50
        for start in stride(from: 0, to: plan.trials.count, by: batch) {
            try journal.transaction {
                for (offset, trial) in plan.trials[start..<min(start + batch, plan.trials.count)].enumerated() {
                    guard !trial.chains.contains(where: { $0 >= pendingFrom }) else { continue }
                    let index = start + offset
                    let curve = Self.curve(index: index, trial: trial, evaluations: evaluations)
                    clock += 1
                    try journal.recordAssignment(trial.id, attempt: 1, worker: "w\(index % 64)", lease: "l\(index)", at: clock)
                    try journal.recordMetrics(trial.id, attempt: 1, curve)
                    clock += 60
                    let summary = Self.summary(of: curve, trial: trial, shapes: shapes)
                    let digest = { (role: String) in
                        SHA256.hexDigest(of: trial.id.rawValue + role)
                    }
                    _ = try journal.recordResult(
                        trial.id, attempt: 1, worker: "w\(index % 64)", summary: summary,
                        artifacts: [("mask", digest("mask"), "mask", 33_360), ("final-weights", digest("final-weights"), "weights", 1_066_440)],
                        at: clock)
                    written.finished += 1
                    written.metricPoints += curve.count
                }
            }
            progress(min(start + batch, plan.trials.count))
        }
        return written
    }

    /// Evaluation `e` of the trial at plan position `index`: accuracies that rise towards a
    /// plateau and losses that fall, each split a little apart, with a deterministic wobble.
    static func curve(index: Int, trial: PlannedTrial, evaluations: Int) -> [Evaluation] {
        var points: [Evaluation] = []
        points.reserveCapacity(3 * evaluations)
        let plateau = 0.86 + 0.02 * trial.weightsRemaining + 0.01 * Double(index % 7) / 7
        for e in 0..<evaluations {
            let iteration = e * evalEvery
            let progress = 1 - exp(-Double(e) / 40)
            for (s, split) in Split.allCases.enumerated() {
                let wobble = 0.004 * sin(Double(e * 3 + s) * 0.7 + Double(index))
                let accuracy = 0.1 + (plateau + 0.03 * Double(2 - s) - 0.1) * progress + wobble
                let loss = 2.3 * (1 - progress) + 0.35 + 0.05 * Double(s) + Double(e) * 0.0001 * Double(s) - wobble
                points.append(Evaluation(iteration: iteration, split: split, loss: loss, accuracy: min(1, accuracy)))
            }
        }
        return points
    }

    /// The result a trainer would report for `curve`: early stop at the minimum validation loss.
    static func summary(of curve: [Evaluation], trial: PlannedTrial, shapes: [WeightShape]) -> RunSummary {
        let validation = curve.filter { $0.split == .validation }
        let best = validation.min { $0.loss < $1.loss } ?? validation[0]
        func at(_ iteration: Int, _ split: Split) -> Evaluation? {
            curve.first { $0.iteration == iteration && $0.split == split }
        }
        let last = curve.last?.iteration ?? 0
        let layers = shapes.map { shape in
            LayerDensity(name: shape.name, kind: shape.kind,
                         remaining: Int((Double(shape.count) * trial.weightsRemaining).rounded()), total: shape.count)
        }
        return RunSummary(
            iterations: trial.iterations, earlyStopIteration: best.iteration, minValidationLoss: best.loss,
            earlyStopTestAccuracy: at(best.iteration, .test)?.accuracy ?? .nan,
            finalValidationLoss: at(last, .validation)?.loss ?? .nan, finalValidationAccuracy: at(last, .validation)?.accuracy ?? .nan,
            finalTestLoss: at(last, .test)?.loss ?? .nan, finalTestAccuracy: at(last, .test)?.accuracy ?? .nan,
            earlyStopTrainAccuracy: at(best.iteration, .train)?.accuracy ?? .nan,
            earlyStopTrainLoss: at(best.iteration, .train)?.loss ?? .nan,
            finalTrainAccuracy: at(last, .train)?.accuracy ?? .nan, finalTrainLoss: at(last, .train)?.loss ?? .nan,
            layers: layers, seconds: 60)
    }

    /// A size or place the generator cannot use, and why.
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
