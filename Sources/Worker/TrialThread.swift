import Foundation
import LotteryCore
import Synchronization
import Trainer
import Wire

/// One trial training on its own thread (never on Swift's cooperative pool: a
/// training run blocks its thread for minutes). It reports through `report`.
final class TrialThread: Sendable {
    enum Report: Sendable {
        case evaluations(lease: String, [Evaluation])
        case finished(lease: String, WireMessage.TrialResult)
        case failed(lease: String, error: String, retryable: Bool, cancelled: Bool)
    }

    let assignment: WireMessage.Assignment
    private let stopFlag = Atomic<Bool>(false)

    init(assignment: WireMessage.Assignment) {
        self.assignment = assignment
    }

    func stop() { stopFlag.store(true, ordering: .relaxed) }

    /// `threads`: the trial's training threads (its convolutions' lanes).
    func start(dataFolders: [String: String], threads: Int, inputs: [ArtifactRole: Artifact],
               report: @escaping @Sendable (Report) -> Void) {
        let thread = Thread { [self] in
            let lease = assignment.lease
            do {
                let result = try run(dataFolders: dataFolders, threads: threads, inputs: inputs) { points in
                    report(.evaluations(lease: lease, points))
                }
                report(.finished(lease: lease, result))
            } catch let error as TrainerError {
                report(.failed(lease: lease, error: error.description, retryable: !error.isPermanent,
                               cancelled: error.isCancellation))
            } catch {
                report(.failed(lease: lease, error: String(describing: error), retryable: true, cancelled: false))
            }
        }
        thread.name = "trial \(assignment.trial)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func run(dataFolders: [String: String], threads: Int, inputs: [ArtifactRole: Artifact],
                     onEvaluation: ([Evaluation]) -> Void) throws -> WireMessage.TrialResult {
        var recipe = assignment.recipe
        if let folder = dataFolders[recipe.data.dataset] { recipe.data.path = folder }
        let dataset = try DatasetCache.shared.dataset(for: recipe.data)
        let layout = try ArtifactCoding.Layout(model: recipe.model, dataset: dataset)
        let trialInputs = TrialInputs(
            parentMask: try inputs[.parentMask].map { try ArtifactCoding.mask($0, layout: layout) },
            parentWeights: try inputs[.parentWeights].map { try ArtifactCoding.weights($0, layout: layout) },
            rewindWeights: try inputs[.rewindWeights].map { try ArtifactCoding.weights($0, layout: layout) })
        let outcome = try TrialRunner.run(recipe, inputs: trialInputs, dataset: dataset, threads: threads,
                                          shouldStop: { stopFlag.load(ordering: .relaxed) },
                                          onEvaluation: onEvaluation)
        var artifacts: [ArtifactRole: Artifact] = [
            .mask: ArtifactCoding.artifact(outcome.mask),
            .finalWeights: ArtifactCoding.artifact(outcome.finalWeights),
        ]
        if let kept = outcome.keptWeights { artifacts[.rewindWeights] = ArtifactCoding.artifact(kept) }
        return WireMessage.TrialResult(lease: assignment.lease, trial: assignment.trial, attempt: assignment.attempt,
                                       summary: outcome.summary, artifacts: artifacts)
    }
}
