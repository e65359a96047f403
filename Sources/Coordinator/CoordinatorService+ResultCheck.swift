import LotteryCore
import Wire

extension CoordinatorService {
    /// Refuses a result whose artifacts cannot be what its trial's recipe makes
    /// (`ResultCheck`): that attempt failed on that worker (which counts toward the
    /// worker's quarantine), the trial goes back to the queue, and the worker is
    /// acknowledged all the same so that it stops resending the result. True when
    /// refused: the caller then takes nothing from it.
    func refuseIfInvalid(_ result: WireMessage.TrialResult, of trial: PlannedTrial, from worker: ConnectedWorker) -> Bool {
        guard let error = ResultCheck(recipe: trial.recipe).failure(of: result, from: worker.id) else { return false }
        curves[result.lease] = nil
        let outcomes = scheduler.fail(trial.id, attempt: result.attempt, worker: worker.id, error: error, retryable: true)
        if outcomes.isEmpty {
            // Not the current attempt (a late or repeated result): nothing to fail.
            count("duplicate-result")
        }
        apply(outcomes, worker: worker.id)
        dispatch()
        afterCommit.append((worker.peer, .ack(result.trialAttempt)))
        return true
    }
}
